/* The ACPI sleep control and status registers (axdevice/acpi_sleep.h). */
#include <axdevice/acpi_sleep.h>
#include <axvm/error.h>

#define CONTROL 0

struct acpi_sleep {
	struct axdevice dev;
	struct axdevice_system_host host;
};

static struct acpi_sleep *to_sleep(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct acpi_sleep, dev);
}

static int sleep_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t *value)
{
	(void)dev;
	(void)vcpu;
	if (width != 1 || offset >= AXDEVICE_ACPI_SLEEP_SIZE)
		return AXERR_INVALID;
	*value = 0;
	return AX_OK;
}

static int sleep_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		       uint64_t value)
{
	struct acpi_sleep *s = to_sleep(dev);
	uint64_t type = value >> AXDEVICE_ACPI_SLEEP_TYPE_SHIFT & AXDEVICE_ACPI_SLEEP_TYPE_MASK;

	if (width != 1 || offset >= AXDEVICE_ACPI_SLEEP_SIZE)
		return AXERR_INVALID;
	if (offset == CONTROL && (value & AXDEVICE_ACPI_SLEEP_EN) &&
	    type == AXDEVICE_ACPI_SLEEP_S5_TYPE && s->host.request)
		s->host.request(s->host.ctx, vcpu, AXDEVICE_SYSTEM_OFF);
	return AX_OK;
}

static void sleep_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_sleep(dev));
}

static const struct axdevice_ops sleep_ops = {
    .model = "acpi-sleep",
    .read = sleep_read,
    .write = sleep_write,
    .destroy = sleep_destroy,
};

int axdevice_acpi_sleep_create(const struct ax_allocator *alloc,
			       const struct axdevice_system_host *host, struct axdevice **out)
{
	struct acpi_sleep *s;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	s = ax_zalloc(alloc, sizeof(*s));
	if (!s)
		return AXERR_NO_MEMORY;
	axdevice_init(&s->dev, &sleep_ops, NULL);
	if (host)
		s->host = *host;
	*out = &s->dev;
	return AX_OK;
}
