/* Switching the guest's EL1 system registers at bind and unbind. */
#include "el1_context.h"

#include "sysreg.h"

void arm_el1_load(const struct arm_el1_context *c)
{
	sysreg_write(sctlr_el1, c->sctlr_el1);
	sysreg_write(ttbr0_el1, c->ttbr0_el1);
	sysreg_write(ttbr1_el1, c->ttbr1_el1);
	sysreg_write(tcr_el1, c->tcr_el1);
	sysreg_write(mair_el1, c->mair_el1);
	sysreg_write(amair_el1, c->amair_el1);
	sysreg_write(vbar_el1, c->vbar_el1);
	sysreg_write(contextidr_el1, c->contextidr_el1);
	sysreg_write(tpidr_el0, c->tpidr_el0);
	sysreg_write(tpidrro_el0, c->tpidrro_el0);
	sysreg_write(tpidr_el1, c->tpidr_el1);
	sysreg_write(elr_el1, c->elr_el1);
	sysreg_write(spsr_el1, c->spsr_el1);
	sysreg_write(esr_el1, c->esr_el1);
	sysreg_write(far_el1, c->far_el1);
	sysreg_write(afsr0_el1, c->afsr0_el1);
	sysreg_write(afsr1_el1, c->afsr1_el1);
	sysreg_write(par_el1, c->par_el1);
	sysreg_write(cpacr_el1, c->cpacr_el1);
	sysreg_write(cntkctl_el1, c->cntkctl_el1);
	sysreg_write(mdscr_el1, c->mdscr_el1);
	sysreg_write(csselr_el1, c->csselr_el1);
	sysreg_write(sp_el0, c->sp_el0);
	sysreg_write(sp_el1, c->sp_el1);
	sysreg_write(cntv_cval_el0, c->cntv_cval_el0);
	sysreg_write(cntv_ctl_el0, c->cntv_ctl_el0);
	isb();
}

void arm_el1_save(struct arm_el1_context *c)
{
	c->sctlr_el1 = sysreg_read(sctlr_el1);
	c->ttbr0_el1 = sysreg_read(ttbr0_el1);
	c->ttbr1_el1 = sysreg_read(ttbr1_el1);
	c->tcr_el1 = sysreg_read(tcr_el1);
	c->mair_el1 = sysreg_read(mair_el1);
	c->amair_el1 = sysreg_read(amair_el1);
	c->vbar_el1 = sysreg_read(vbar_el1);
	c->contextidr_el1 = sysreg_read(contextidr_el1);
	c->tpidr_el0 = sysreg_read(tpidr_el0);
	c->tpidrro_el0 = sysreg_read(tpidrro_el0);
	c->tpidr_el1 = sysreg_read(tpidr_el1);
	c->elr_el1 = sysreg_read(elr_el1);
	c->spsr_el1 = sysreg_read(spsr_el1);
	c->esr_el1 = sysreg_read(esr_el1);
	c->far_el1 = sysreg_read(far_el1);
	c->afsr0_el1 = sysreg_read(afsr0_el1);
	c->afsr1_el1 = sysreg_read(afsr1_el1);
	c->par_el1 = sysreg_read(par_el1);
	c->cpacr_el1 = sysreg_read(cpacr_el1);
	c->cntkctl_el1 = sysreg_read(cntkctl_el1);
	c->mdscr_el1 = sysreg_read(mdscr_el1);
	c->csselr_el1 = sysreg_read(csselr_el1);
	c->sp_el0 = sysreg_read(sp_el0);
	c->sp_el1 = sysreg_read(sp_el1);
	c->cntv_ctl_el0 = sysreg_read(cntv_ctl_el0);
	c->cntv_cval_el0 = sysreg_read(cntv_cval_el0);
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}
