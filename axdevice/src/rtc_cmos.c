/* The CMOS real-time clock (axdevice/rtc_cmos.h). */
#include <axdevice/rtc_cmos.h>
#include <axvm/error.h>

#define CMOS_BYTES 128
#define INDEX_MASK 0x7f
#define REG_A_UIP 0x80
#define REG_D_VRT 0x80

struct rtc_cmos {
	struct axdevice dev;
	uint8_t index; /* the last byte written to the index port */
	uint8_t cmos[CMOS_BYTES];
};

/* 2000-01-01 00:00:00, a Saturday (day 7), in BCD; A: 32.768 kHz base, 1024 Hz; B: 24-hour. */
static const uint8_t reset_bytes[AXDEVICE_RTC_CMOS_REG_C] = {
    [0x06] = 0x07,
    [0x07] = 0x01,
    [0x08] = 0x01,
    [0x09] = 0x00,
    [AXDEVICE_RTC_CMOS_REG_A] = 0x26,
    [AXDEVICE_RTC_CMOS_REG_B] = 0x02,
};

static struct rtc_cmos *to_rtc(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct rtc_cmos, dev);
}

static uint8_t read_register(const struct rtc_cmos *rtc, uint8_t reg)
{
	switch (reg) {
	case AXDEVICE_RTC_CMOS_REG_A:
		return rtc->cmos[reg] & ~REG_A_UIP;
	case AXDEVICE_RTC_CMOS_REG_C:
		return 0;
	case AXDEVICE_RTC_CMOS_REG_D:
		return REG_D_VRT;
	default:
		return rtc->cmos[reg];
	}
}

static int rtc_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		    uint64_t *value)
{
	struct rtc_cmos *rtc = to_rtc(dev);

	(void)vcpu;
	if (width != 1 || offset >= AXDEVICE_RTC_CMOS_SIZE)
		return AXERR_INVALID;
	*value = offset == 0 ? rtc->index : read_register(rtc, rtc->index & INDEX_MASK);
	return AX_OK;
}

static int rtc_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t value)
{
	struct rtc_cmos *rtc = to_rtc(dev);
	uint8_t reg = rtc->index & INDEX_MASK;

	(void)vcpu;
	if (width != 1 || offset >= AXDEVICE_RTC_CMOS_SIZE)
		return AXERR_INVALID;
	if (offset == 0)
		rtc->index = (uint8_t)value;
	else if (reg != AXDEVICE_RTC_CMOS_REG_C && reg != AXDEVICE_RTC_CMOS_REG_D)
		rtc->cmos[reg] = (uint8_t)value;
	return AX_OK;
}

static void rtc_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_rtc(dev));
}

static const struct axdevice_ops rtc_ops = {
    .model = "mc146818",
    .read = rtc_read,
    .write = rtc_write,
    .destroy = rtc_destroy,
};

int axdevice_rtc_cmos_create(const struct ax_allocator *alloc, struct axdevice **out)
{
	struct rtc_cmos *rtc;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	rtc = ax_zalloc(alloc, sizeof(*rtc));
	if (!rtc)
		return AXERR_NO_MEMORY;
	axdevice_init(&rtc->dev, &rtc_ops, NULL);
	for (unsigned i = 0; i < sizeof(reset_bytes); i++)
		rtc->cmos[i] = reset_bytes[i];
	*out = &rtc->dev;
	return AX_OK;
}
