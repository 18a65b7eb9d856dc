/*
 * The init of the Linux test guests (the only program in their initramfs): reports what the
 * kernel saw of its CPUs — how many came online and, per CPU, the timer and IPI interrupts it
 * took, from /proc/interrupts (on x86 the local timer's LOC and the RES, CAL and TLB IPIs) —
 * and the command line it got, then powers the machine off. With axvm.interactive on the command
 * line it first reads lines typed on its console, each after an "init> " prompt, and reports them
 * until one says poweroff. With axvm.reboot it ends by a reset instead of a power-off.
 *
 *   init: 2 cpus online
 *   init: cpu0: 312 timer interrupts, 41 IPIs
 *   init: cpu1: 298 timer interrupts, 37 IPIs
 *   init: cmdline: console=ttyS0 axvm.test=smp
 *   init: powering off
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#define MAX_CPUS 64

static unsigned long timer[MAX_CPUS];
static unsigned long ipi[MAX_CPUS];

/* Adds the per-CPU counts that follow "NAME:" on a /proc/interrupts line to sums. */
static void add_counts(const char *line, int cpus, unsigned long *sums)
{
	const char *p = strchr(line, ':');

	for (int i = 0; p && i < cpus; i++) {
		char *end;
		unsigned long n = strtoul(p + 1, &end, 10);

		if (end == p + 1)
			break;
		sums[i] += n;
		p = end;
	}
}

/* The number of "CPUn" columns in the header line. */
static int count_cpus(const char *header)
{
	int cpus = 0;

	for (const char *p = header; (p = strstr(p, "CPU")) != NULL; p += 3)
		cpus++;
	return cpus < MAX_CPUS ? cpus : MAX_CPUS;
}

static int read_interrupts(void)
{
	char line[512];
	int cpus = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f) {
		printf("init: cannot open /proc/interrupts\n");
		return 0;
	}
	if (fgets(line, sizeof(line), f))
		cpus = count_cpus(line);
	while (fgets(line, sizeof(line), f)) {
		const char *name = line + strspn(line, " ");

		if (strstr(line, "riscv-timer") || strstr(line, "arch_timer") ||
		    strstr(line, "LOC:") == name)
			add_counts(line, cpus, timer);
		else if (strncmp(name, "IPI", 3) == 0 || strncmp(name, "RES:", 4) == 0 ||
			 strncmp(name, "CAL:", 4) == 0 || strncmp(name, "TLB:", 4) == 0)
			add_counts(line, cpus, ipi);
	}
	fclose(f);
	return cpus;
}

static void read_cmdline(char *cmdline, size_t size)
{
	FILE *f = fopen("/proc/cmdline", "r");

	cmdline[0] = '\0';
	if (f) {
		if (fgets(cmdline, (int)size, f))
			cmdline[strcspn(cmdline, "\n")] = '\0';
		fclose(f);
	}
}

/* Reads console lines until one says poweroff (or the console closes). */
static void read_console(void)
{
	char line[256];

	for (;;) {
		printf("init> ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return;
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "poweroff") == 0)
			return;
		printf("init: read '%s'\n", line);
	}
}

int main(void)
{
	char cmdline[512];
	bool reset;
	int cpus;

	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		printf("init: mounting /proc failed\n");
	cpus = read_interrupts();
	printf("init: %d cpus online\n", cpus);
	for (int i = 0; i < cpus; i++)
		printf("init: cpu%d: %lu timer interrupts, %lu IPIs\n", i, timer[i], ipi[i]);
	read_cmdline(cmdline, sizeof(cmdline));
	printf("init: cmdline: %s\n", cmdline);
	if (strstr(cmdline, "axvm.interactive"))
		read_console();
	reset = strstr(cmdline, "axvm.reboot") != NULL;
	printf("init: %s\n", reset ? "resetting" : "powering off");
	fflush(stdout);
	/* Everything printed leaves the UART before the power goes, with or without its
	 * interrupt. */
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(reset ? RB_AUTOBOOT : RB_POWER_OFF);
	printf("init: %s failed\n", reset ? "reset" : "power-off");
	for (;;)
		pause();
}
