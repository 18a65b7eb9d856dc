/* The keyboard controller's reset line (axdevice/i8042.h). */
#include <axdevice/device_set.h>
#include <axdevice/i8042.h>
#include <axvm/error.h>

struct i8042 {
	struct axdevice dev;
	struct axdevice_system_host host;
};

static struct i8042 *to_i8042(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct i8042, dev);
}

static bool is_command_port(uint64_t offset)
{
	return offset == axdevice_window_offset(1);
}

static int i8042_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t *value)
{
	(void)dev;
	(void)vcpu;
	if (width != 1)
		return AXERR_INVALID;
	*value = is_command_port(offset) ? AXDEVICE_I8042_STATUS : 0;
	return AX_OK;
}

static int i8042_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		       uint64_t value)
{
	struct i8042 *kbc = to_i8042(dev);

	if (width != 1)
		return AXERR_INVALID;
	if (is_command_port(offset) && (value & 0xff) == AXDEVICE_I8042_CMD_RESET &&
	    kbc->host.request)
		kbc->host.request(kbc->host.ctx, vcpu, AXDEVICE_SYSTEM_RESET);
	return AX_OK;
}

static void i8042_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_i8042(dev));
}

static const struct axdevice_ops i8042_ops = {
    .model = "i8042",
    .read = i8042_read,
    .write = i8042_write,
    .destroy = i8042_destroy,
};

int axdevice_i8042_create(const struct ax_allocator *alloc, const struct axdevice_system_host *host,
			  struct axdevice **out)
{
	struct i8042 *kbc;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	kbc = ax_zalloc(alloc, sizeof(*kbc));
	if (!kbc)
		return AXERR_NO_MEMORY;
	axdevice_init(&kbc->dev, &i8042_ops, NULL);
	if (host)
		kbc->host = *host;
	*out = &kbc->dev;
	return AX_OK;
}
