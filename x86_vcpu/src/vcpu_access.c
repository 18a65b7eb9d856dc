/* Guest accesses the backend decodes: IN and OUT (the exit qualification says everything), and
 * EPT violations, whose instruction is fetched through the guest's page tables and decoded
 * (x86_vcpu/insn_decode.h) into an MMIO access, made straight through core's device path as
 * KVM's architectures call its I/O bus. What is not an access the guest's instruction made
 * itself (a fetch, its page walk, an event's delivery) goes to core as a nested page fault. */
#include <axvm/error.h>
#include <x86_vcpu/exit_info.h>
#include <x86_vcpu/guest_regs.h>
#include <x86_vcpu/guest_walk.h>
#include <x86_vcpu/insn_decode.h>
#include <x86_vcpu/string_io.h>

#include "vcpu_exits.h"
#include "vcpu_lapic.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

#define RFLAGS_DF (1ull << 10)
#define RFLAGS_VM (1ull << 17)
#define VECTOR_PF 14
#define CS_AR_L (1u << 13)
#define CS_AR_D (1u << 14)

static int read_guest(void *ctx, uint64_t gpa, void *buf, unsigned width)
{
	const struct arch_vcpu *v = ctx;

	return v->vm_ops.read_guest(v->vm_ops.ctx, gpa, buf, width);
}

/* The guest's physical-address width (CPUID.80000008H:EAX[7:0]), the host's. */
static unsigned maxphyaddr(void)
{
	uint32_t r[4];

	if (x86_vmx.max_extended < 0x80000008u)
		return 36;
	x86_cpuid(0x80000008u, 0, r);
	return r[0] & 0xff;
}

/* The guest's paging state, for its linear addresses. */
static struct x86_paging guest_paging(void)
{
	return (struct x86_paging){vmcs_read(VMCS_GUEST_CR0), vmcs_read(VMCS_GUEST_CR3),
				   vmcs_read(VMCS_GUEST_CR4), vmcs_read(VMCS_GUEST_EFER),
				   maxphyaddr()};
}

/* Fetches the instruction at the guest's CS:RIP and decodes it as a memory access. */
static int decode_access(struct arch_vcpu *v, struct x86_mem_access *a)
{
	uint64_t cr0 = vmcs_read(VMCS_GUEST_CR0), efer = vmcs_read(VMCS_GUEST_EFER);
	uint32_t cs_ar = (uint32_t)vmcs_read(VMCS_GUEST_CS_AR);
	enum x86_cpu_mode mode =
	    x86_cpu_mode_of(cr0 & X86_CR0_PE, vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_VM,
			    efer & X86_EFER_LMA, cs_ar & CS_AR_L, cs_ar & CS_AR_D);
	struct x86_paging p = guest_paging();
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP);
	uint64_t linear = mode == X86_MODE_64 ? rip : vmcs_read(VMCS_GUEST_CS_BASE) + rip;
	unsigned access = X86_ACCESS_FETCH | (x86_guest_cpl() == 3 ? X86_ACCESS_USER : 0);
	uint8_t insn[X86_MAX_INSN_LEN];
	struct x86_walk_result walk;
	size_t copied = 0;
	int err;

	if (mode != X86_MODE_64)
		linear = (uint32_t)linear;
	err = x86_guest_read_linear(&p, linear, access, read_guest, v, insn, sizeof(insn), &copied,
				    &walk);
	if (err && !copied)
		return err;
	return copied ? x86_decode_mem_insn(insn, copied, mode, a) : AXERR_NOT_MAPPED;
}

/* Completes access a: a load's register, merged as the CPU merges it, and RIP. */
static void access_complete(struct arch_vcpu *v, const struct x86_mem_access *a, uint64_t value)
{
	if (!a->store)
		x86_set_reg(v, a->reg, x86_load_result(a, x86_get_reg(v, a->reg), value));
	x86_skip(a->len);
}

/* The fault being handled, for core: a nested page fault it looks at (kept for
 * arch_vcpu_decode_mmio). */
static enum axvm_disposition nested_fault(struct arch_vcpu *v, const struct vmx_ept_violation *q)
{
	v->pending = PENDING_NONE;
	v->fault_valid = true;
	v->exit->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	v->exit->nested_page_fault.addr = v->fault_gpa;
	v->exit->nested_page_fault.access = q->fetch   ? AXVM_ACCESS_EXEC
					    : q->write ? AXVM_ACCESS_WRITE
						       : AXVM_ACCESS_READ;
	return x86_to_core(v);
}

enum axvm_disposition x86_exit_ept_violation(struct arch_vcpu *v)
{
	struct vmx_ept_violation q = vmx_decode_ept_violation(vmcs_read(VMCS_EXIT_QUALIFICATION));
	struct axvm_mmio_value r = {0, AXVM_MMIO_RETRY};
	struct x86_mem_access a;

	v->fault_gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	v->fault_write = q.write;
	v->fault_own = !q.fetch && q.final_translation && !(v->inject_info & VMX_EVENT_VALID);
	if (!v->fault_own || decode_access(v, &a) || a.store != q.write)
		return nested_fault(v, &q);
	if (v->fault_gpa - X86_LAPIC_BASE < X86_LAPIC_SIZE && x86_lapic_mmio_enabled(&v->lapic))
		return x86_lapic_mmio(v, &a, v->fault_gpa);
	if (a.store)
		r.result = v->vm_ops.mmio_write(v->vm_ops.ctx, v->fault_gpa, a.width,
						x86_store_value(&a, x86_get_reg(v, a.reg)));
	else
		r = v->vm_ops.mmio_read(v->vm_ops.ctx, v->fault_gpa, a.width);
	if (r.result & AXVM_MMIO_DONE)
		access_complete(v, &a, r.value);
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

/* The guest's page walk, a fetch or an event's delivery reached no memory: nothing the
 * backend can emulate. */
int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
	struct x86_mem_access a;
	int err;

	if (!v->fault_valid || exit != v->exit)
		return AXERR_INVALID;
	v->fault_valid = false;
	if (!v->fault_own)
		return AXERR_UNSUPPORTED;
	err = decode_access(v, &a);
	if (err)
		return err;
	if (a.store != v->fault_write)
		return AXERR_INVALID;
	v->access = a;
	v->pending = PENDING_MMIO;
	if (a.store) {
		exit->kind = AXVM_EXIT_MMIO_WRITE;
		exit->mmio_write.addr = v->fault_gpa;
		exit->mmio_write.width = a.width;
		exit->mmio_write.data = x86_store_value(&a, x86_get_reg(v, a.reg));
	} else {
		exit->kind = AXVM_EXIT_MMIO_READ;
		exit->mmio_read.addr = v->fault_gpa;
		exit->mmio_read.width = a.width;
	}
	return AX_OK;
}

/* Where the size bytes of a string I/O element at linear lie in guest memory: one or two
 * pieces (it may cross a page). On a page fault the guest takes it (CR2, error code) and
 * false is returned; also false, with the VM stopped, for what the CPU would raise #GP for. */
static bool string_io_target(struct arch_vcpu *v, uint64_t linear, unsigned access)
{
	const struct x86_paging p = guest_paging();
	uint64_t second = (linear | 0xfff) + 1;
	unsigned first_len =
	    second - linear < v->io_size ? (unsigned)(second - linear) : v->io_size;
	struct x86_walk_result w;

	if (x86_guest_translate(&p, linear, access, read_guest, v, &w))
		return false;
	if (!w.fault && first_len < v->io_size) {
		v->io_gpa[0] = w.gpa;
		if (x86_guest_translate(&p, second, access, read_guest, v, &w))
			return false;
		v->io_gpa[1] = w.gpa;
	} else {
		v->io_gpa[0] = w.gpa;
	}
	v->io_first_len = (uint8_t)first_len;
	if (w.fault) {
		v->cr2 = w.linear;
		x86_inject_exception(v, VECTOR_PF, w.pf_error_code);
		return false;
	}
	return true;
}

/* Copies an element between buf and guest memory at the pieces string_io_target found. */
static int string_io_copy(struct arch_vcpu *v, void *buf, bool to_guest)
{
	unsigned rest = v->io_size - v->io_first_len;
	int err = to_guest
		      ? v->vm_ops.write_guest(v->vm_ops.ctx, v->io_gpa[0], buf, v->io_first_len)
		      : v->vm_ops.read_guest(v->vm_ops.ctx, v->io_gpa[0], buf, v->io_first_len);

	if (!err && rest)
		err = to_guest ? v->vm_ops.write_guest(v->vm_ops.ctx, v->io_gpa[1],
						       (char *)buf + v->io_first_len, rest)
			       : v->vm_ops.read_guest(v->vm_ops.ctx, v->io_gpa[1],
						      (char *)buf + v->io_first_len, rest);
	return err;
}

/* One element of INS or OUTS (REP repeats the instruction: RIP stays until the count is
 * done). OUTS reads its element first, INS finds where its element goes first: a page fault
 * raises before the port is touched. */
static enum axvm_disposition string_io(struct arch_vcpu *v, const struct vmx_io_exit *io)
{
	unsigned addr_size = x86_string_io_addr_size((uint32_t)vmcs_read(VMCS_EXIT_INSN_INFO));
	unsigned access =
	    (io->in ? X86_ACCESS_WRITE : 0) | (x86_guest_cpl() == 3 ? X86_ACCESS_USER : 0);
	uint64_t data = 0;

	if (!addr_size)
		return x86_stop_vm(v, VMX_EXIT_IO_INSTRUCTION);
	if (io->rep && !x86_string_io_count(v->regs.r[GPR_RCX], addr_size)) {
		x86_skip_insn();
		return AXVM_RESUME;
	}
	v->io_string = true;
	v->io_rep = io->rep;
	v->io_addr_size = (uint8_t)addr_size;
	if (!string_io_target(v, vmcs_read(VMCS_GUEST_LINEAR_ADDRESS), access))
		return v->inject_info ? AXVM_RESUME : x86_stop_vm(v, VMX_EXIT_IO_INSTRUCTION);
	if (!io->in && string_io_copy(v, &data, false))
		return x86_stop_vm(v, VMX_EXIT_IO_INSTRUCTION);
	if (io->in) {
		v->exit->kind = AXVM_EXIT_IO_READ;
		v->exit->io_read.port = io->port;
		v->exit->io_read.width = io->size;
	} else {
		v->exit->kind = AXVM_EXIT_IO_WRITE;
		v->exit->io_write.port = io->port;
		v->exit->io_write.width = io->size;
		v->exit->io_write.data = data;
	}
	return x86_to_core(v);
}

/* IN, OUT, INS and OUTS to core's port devices. */
enum axvm_disposition x86_exit_io(struct arch_vcpu *v)
{
	struct vmx_io_exit io;

	if (!vmx_decode_io_exit(vmcs_read(VMCS_EXIT_QUALIFICATION), &io))
		return x86_stop_vm(v, VMX_EXIT_IO_INSTRUCTION);
	v->pending = PENDING_IO;
	v->io_in = io.in;
	v->io_size = io.size;
	v->io_string = false;
	v->insn_len = (uint8_t)vmcs_read(VMCS_EXIT_INSN_LEN);
	if (io.string)
		return string_io(v, &io);
	if (io.in) {
		v->exit->kind = AXVM_EXIT_IO_READ;
		v->exit->io_read.port = io.port;
		v->exit->io_read.width = io.size;
	} else {
		v->exit->kind = AXVM_EXIT_IO_WRITE;
		v->exit->io_write.port = io.port;
		v->exit->io_write.width = io.size;
		v->exit->io_write.data =
		    v->regs.r[GPR_RAX] & (~0ull >> (64 - 8 * (unsigned)io.size));
	}
	return x86_to_core(v);
}

/* The end of a string I/O element: INS's element into memory, the registers moved, and RIP
 * past the instruction once it is over. */
static int string_io_complete(struct arch_vcpu *v, uint64_t value)
{
	struct x86_string_regs r = {v->regs.r[GPR_RSI], v->regs.r[GPR_RDI], v->regs.r[GPR_RCX]};
	bool df = vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_DF;
	int err = v->io_in ? string_io_copy(v, &value, true) : AX_OK;

	if (err)
		return err;
	if (x86_string_io_step(&r, v->io_in, v->io_rep, df, v->io_size, v->io_addr_size))
		x86_skip(v->insn_len);
	v->regs.r[GPR_RSI] = r.rsi;
	v->regs.r[GPR_RDI] = r.rdi;
	v->regs.r[GPR_RCX] = r.rcx;
	return AX_OK;
}

int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value)
{
	enum x86_pending pending = v->pending;
	uint64_t mask;

	v->pending = PENDING_NONE;
	switch (pending) {
	case PENDING_MMIO:
		access_complete(v, &v->access, value);
		return AX_OK;
	case PENDING_IO:
		if (v->io_string)
			return string_io_complete(v, value);
		if (v->io_in) {
			/* IN AL and AX keep the rest of RAX; IN EAX zeroes bits 63:32. */
			mask = ~0ull >> (64 - 8 * (unsigned)v->io_size);
			v->regs.r[GPR_RAX] = v->io_size == 4
						 ? (uint32_t)value
						 : (v->regs.r[GPR_RAX] & ~mask) | (value & mask);
		}
		x86_skip(v->insn_len);
		return AX_OK;
	case PENDING_NONE:
		break;
	}
	return AXERR_BAD_STATE;
}
