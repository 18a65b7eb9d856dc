#include "guest_dtb.h"

#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <board/guest_fdt.h>
#include <axvm/format.h>
#include <libfdt.h>
#include <string.h>

#define UART_CLOCK_HZ 3686400
#define PHANDLE_PLIC 1
#define PHANDLE_INTC_BASE 2
#define IRQ_M_EXT 11
#define IRQ_S_EXT 9

/* riscv,isa-extensions: the riscv,isa string's extensions as a string list ("i", "m", ...,
 * "zicsr", ...), written into buf; returns its length, 0 if it does not fit. */
static int isa_extensions(const char *isa, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = isa + 4; *p && *p != '_'; p++) {
		if (n + 2 > size)
			return 0;
		buf[n++] = *p;
		buf[n++] = '\0';
	}
	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_')) {
		size_t len = strcspn(p + 1, "_");

		if (!len)
			continue;
		if (n + len + 1 > size)
			return 0;
		memcpy(buf + n, p + 1, len);
		n += len;
		buf[n++] = '\0';
	}
	return (int)n;
}

/* A property without a value (a boolean); libfdt copies the value even when it is empty, so
 * it gets a valid pointer. */
static int empty_prop(void *fdt, const char *name)
{
	return fdt_property(fdt, name, "", 0);
}

static int add_cpus(void *fdt, const struct axvm_config *cfg, const struct guest_dtb_params *p)
{
	char extensions[512];
	int ext_len = isa_extensions(p->isa, extensions, sizeof(extensions));
	int err = ext_len ? fdt_begin_node(fdt, "cpus") : -FDT_ERR_NOSPACE;

	err = err ? err : fdt_property_u32(fdt, "#address-cells", 1);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 0);
	err = err ? err : fdt_property_u32(fdt, "timebase-frequency", p->timebase_hz);
	for (uint32_t i = 0; i < cfg->vcpu_count && !err; i++) {
		char name[16];

		ax_snprintf(name, sizeof(name), "cpu@%u", i);
		err = fdt_begin_node(fdt, name);
		err = err ? err : fdt_property_string(fdt, "device_type", "cpu");
		err = err ? err : fdt_property_u32(fdt, "reg", i);
		err = err ? err : fdt_property_string(fdt, "status", "okay");
		err = err ? err : fdt_property_string(fdt, "compatible", "riscv");
		err = err ? err : fdt_property_string(fdt, "riscv,isa", p->isa);
		err = err ? err : fdt_property_string(fdt, "riscv,isa-base", "rv64i");
		err = err ? err : fdt_property(fdt, "riscv,isa-extensions", extensions, ext_len);
		err = err ? err : fdt_property_string(fdt, "mmu-type", "riscv,sv39");
		err = err ? err : fdt_begin_node(fdt, "interrupt-controller");
		err = err ? err : fdt_property_u32(fdt, "#interrupt-cells", 1);
		err = err ? err : empty_prop(fdt, "interrupt-controller");
		err = err ? err : fdt_property_string(fdt, "compatible", "riscv,cpu-intc");
		err = err ? err : fdt_property_u32(fdt, "phandle", PHANDLE_INTC_BASE + i);
		err = err ? err : fdt_end_node(fdt);
		err = err ? err : fdt_end_node(fdt);
	}
	return err ? err : fdt_end_node(fdt);
}

static bool is_uart(const char *compatible)
{
	return !strcmp(compatible, "ns16550a") || !strcmp(compatible, "ns16550");
}

static bool is_plic(const char *compatible)
{
	return !strcmp(compatible, "sifive,plic-1.0.0") || !strcmp(compatible, "riscv,plic0");
}

static bool has_plic(const struct axvm_config *cfg)
{
	for (size_t i = 0; i < cfg->device_count; i++) {
		if (is_plic(cfg->devices[i].compatible))
			return true;
	}
	return false;
}

/* The first cell of a property of the device's node in the configuration, or fallback. */
static uint32_t config_cell(const struct axvm_config *cfg, const struct axvm_device *d,
			    const char *name, uint32_t fallback)
{
	int len;
	const fdt32_t *p = cfg->fdt ? fdt_getprop(cfg->fdt, d->node, name, &len) : NULL;

	return p && len >= 4 ? fdt32_to_cpu(p[0]) : fallback;
}

/* A PLIC as QEMU virt describes it: contexts 2h and 2h+1 are hart h's M- and S-mode. */
static int plic_props(void *fdt, const struct axvm_config *cfg, const struct axvm_device *d)
{
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t ext[4 * AXVM_MAX_VCPUS];
	int err;

	for (uint32_t h = 0; h < cfg->vcpu_count; h++) {
		ext[4 * h] = cpu_to_fdt32(PHANDLE_INTC_BASE + h);
		ext[4 * h + 1] = cpu_to_fdt32(IRQ_M_EXT);
		ext[4 * h + 2] = cpu_to_fdt32(PHANDLE_INTC_BASE + h);
		ext[4 * h + 3] = cpu_to_fdt32(IRQ_S_EXT);
	}
	err = fdt_property(fdt, "compatible", compat, sizeof(compat));
	err = err ? err : guest_fdt_reg(fdt, d->gpa, d->size);
	err = err ? err : empty_prop(fdt, "interrupt-controller");
	err = err ? err : fdt_property_u32(fdt, "#interrupt-cells", 1);
	err = err ? err : fdt_property_u32(fdt, "#address-cells", 0);
	err =
	    err ? err : fdt_property_u32(fdt, "riscv,ndev", config_cell(cfg, d, "riscv,ndev", 31));
	err =
	    err ? err : fdt_property(fdt, "interrupts-extended", ext, (int)(16 * cfg->vcpu_count));
	return err ? err : fdt_property_u32(fdt, "phandle", PHANDLE_PLIC);
}

/* Writes /soc; the first UART's path goes to stdout (empty if there is none). */
static int add_soc(void *fdt, const struct axvm_config *cfg, char *stdout, size_t size)
{
	int err = fdt_begin_node(fdt, "soc");

	stdout[0] = '\0';
	err = err ? err : fdt_property_u32(fdt, "#address-cells", 2);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 2);
	err = err ? err : fdt_property_string(fdt, "compatible", "simple-bus");
	err = err ? err : empty_prop(fdt, "ranges");
	for (size_t i = 0; i < cfg->device_count && !err; i++) {
		const struct axvm_device *d = &cfg->devices[i];
		char name[48];

		/* A device only in an ISA bus's port space (no MMIO window: size 0) has no place
		 * in this machine. */
		if (!d->size)
			continue;

		const char *kind = is_uart(d->compatible)   ? "serial"
				   : is_plic(d->compatible) ? "plic"
							    : "device";

		ax_snprintf(name, sizeof(name), "%s@%llx", kind, (unsigned long long)d->gpa);
		err = fdt_begin_node(fdt, name);
		if (!err && is_plic(d->compatible)) {
			err = plic_props(fdt, cfg, d);
		} else {
			err = err ? err : fdt_property_string(fdt, "compatible", d->compatible);
			err = err ? err : guest_fdt_reg(fdt, d->gpa, d->size);
		}
		if (!err && is_uart(d->compatible)) {
			err = fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ);
			if (!err && has_plic(cfg)) {
				err = fdt_property_u32(fdt, "interrupts",
						       config_cell(cfg, d, "interrupts", 0));
				err = err ? err
					  : fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
			}
			if (!stdout[0])
				ax_snprintf(stdout, size, "/soc/%s", name);
		}
		err = err ? err : fdt_end_node(fdt);
	}
	return err ? err : fdt_end_node(fdt);
}

/* /chosen: the console, the guest's command line, and where its initrd was loaded. */
static int add_chosen(void *fdt, const struct axvm_config *cfg, const struct guest_dtb_params *p,
		      const char *stdout)
{
	int err = fdt_begin_node(fdt, "chosen");

	if (!err && stdout[0])
		err = fdt_property_string(fdt, "stdout-path", stdout);
	err = err ? err : fdt_property_string(fdt, "bootargs", cfg->bootargs ? cfg->bootargs : "");
	for (size_t i = 0; i < cfg->image_count && !err && p->initrd_size; i++) {
		const struct axvm_image *img = &cfg->images[i];

		if (img->kind != AXVM_IMAGE_INITRD)
			continue;
		err = fdt_property_u64(fdt, "linux,initrd-start", img->load_gpa);
		err =
		    err ? err
			: fdt_property_u64(fdt, "linux,initrd-end", img->load_gpa + p->initrd_size);
	}
	return err ? err : fdt_end_node(fdt);
}

int riscv_guest_dtb(const struct axvm_config *cfg, const struct guest_dtb_params *p, void *buf,
		    size_t size)
{
	char stdout[64];
	int err = fdt_create(buf, (int)size);

	err = err ? err : fdt_finish_reservemap(buf);
	err = err ? err : fdt_begin_node(buf, "");
	err = err ? err : fdt_property_u32(buf, "#address-cells", 2);
	err = err ? err : fdt_property_u32(buf, "#size-cells", 2);
	err = err ? err : fdt_property_string(buf, "compatible", "axvm,riscv-virt");
	err = err ? err : fdt_property_string(buf, "model", "axvm-c riscv64 guest");
	err = err ? err : add_cpus(buf, cfg, p);
	err = err ? err : guest_fdt_memory(buf, cfg);
	err = err ? err : add_soc(buf, cfg, stdout, sizeof(stdout));
	err = err ? err : add_chosen(buf, cfg, p, stdout);
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_finish(buf);
	return err ? AXERR_NO_MEMORY : AX_OK;
}
