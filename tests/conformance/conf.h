/*
 * What a conformance scenario asks of the machine it runs on. Each scenario (scenarios/NAME.c) is
 * written once against this interface; each architecture has a small shim implementing it
 * (riscv64/shim.c: SBI, the CPU's own timer and software interrupts, the VM's PLIC), and a VM
 * configuration template with the layout conf_arch.h names. Freestanding C11.
 */
#ifndef TESTS_CONFORMANCE_CONF_H
#define TESTS_CONFORMANCE_CONF_H

#include <stdbool.h>
#include <stdint.h>

/* The VM's layout: CONF_MAX_CPUS; memory populated on first touch (CONF_LAZY_BASE,
 * CONF_LAZY_SIZE), read-only memory (CONF_READONLY) and memory without execute permission
 * (CONF_NOEXEC); CONF_HOLE, neither memory nor a device; the UART's registers (CONF_UART,
 * CONF_UART_SIZE bytes). */
#include "conf_arch.h"

/* The scenario: runs on CPU 0 of its VM. */
void conf_main(void);

/* Prints through the VM's emulated UART (MMIO the hypervisor emulates); conf_printf formats
 * (conf_printf.c, shared) and conf_puts writes (the shim). */
void conf_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void conf_puts(const char *s);

/* Powers the VM off through the firmware interface; the host reports it. */
void conf_poweroff(void) __attribute__((noreturn));

/* Asks the firmware interface to reset the VM (a cold reboot); the host reports it. */
void conf_reset(void) __attribute__((noreturn));

/* The version the hypervisor's firmware interface reports (SBI, PSCI): one call answered by
 * the hypervisor, a full round trip. Positive. */
long conf_firmware_version(void);

/* Reads or writes width bytes (1, 2, 4 or 8) at guest-physical address addr (memory or a
 * device), as one access of the guest. */
uint64_t conf_read(uint64_t addr, unsigned width);
void conf_write(uint64_t addr, unsigned width, uint64_t value);

/* Jumps to guest-physical address addr. */
void conf_jump(uint64_t addr) __attribute__((noreturn));

/* The CPU's clock and its rate. */
uint64_t conf_now(void);
uint64_t conf_ticks_per_ms(void);

/* The interrupts the shim counts, per CPU. */
enum conf_irq {
	CONF_IRQ_TIMER,	 /* the CPU's timer */
	CONF_IRQ_IPI,	 /* an inter-processor interrupt */
	CONF_IRQ_DEVICE, /* a device's, through the VM's interrupt controller */
	CONF_IRQ_KINDS,
};

/* Arms the calling CPU's timer to interrupt once conf_now() reaches deadline. */
void conf_timer_at(uint64_t deadline);

/* Halts the calling CPU until it has taken count interrupts of kind (since it started). */
void conf_wait_irqs(enum conf_irq kind, unsigned count);

/* How many interrupts of kind the calling CPU took. */
unsigned conf_irqs(enum conf_irq kind);

/* Starts CPU cpu (below CONF_MAX_CPUS) in fn(cpu) through the firmware interface: 0, or the
 * firmware's negative error. */
int conf_start_cpu(unsigned cpu, void (*fn)(unsigned cpu));

/* Sends CPU cpu an inter-processor interrupt. */
void conf_send_ipi(unsigned cpu);

/* Turns the calling CPU off through the firmware interface. */
void conf_stop_cpu(void) __attribute__((noreturn));

/* Makes the UART raise its transmitter-empty interrupt once, through the VM's interrupt
 * controller to the calling CPU; the shim's handler takes it (CONF_IRQ_DEVICE), turns the
 * UART's interrupt off and acknowledges it at the controller. */
void conf_uart_irq_once(void);

/* Gives [addr, addr + size) of the VM's memory back to the host (page-aligned memory the
 * host allocates for the VM) through the hypervisor's call for it: 0, or the firmware's
 * negative error. The range then reads as zeroes, on every CPU. */
int conf_release_memory(uint64_t addr, uint64_t size);

/* Turns the UART's transmitter-empty interrupt on or off at the UART alone: its line goes to
 * the VM's interrupt controller, which is left as it is. */
void conf_uart_irq(bool on);

#endif
