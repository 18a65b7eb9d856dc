#include <axdevice/irqchip.h>

#include <axvm/error.h>

int axdevice_irqchip_set_line(struct axdevice *chip, uint32_t line, bool level)
{
	int err;

	if (!chip || !chip->irqchip)
		return AXERR_INVALID;
	spin_lock(&chip->lock);
	err = chip->irqchip->set_line(chip, line, level);
	spin_unlock(&chip->lock);
	return err;
}

void axdevice_irqchip_input(void *chip, uint32_t line, bool level)
{
	(void)axdevice_irqchip_set_line(chip, line, level);
}
