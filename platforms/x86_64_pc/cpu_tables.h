/* Each CPU's descriptor tables: its own 64-bit TSS in the shared GDT, and the shared IDT. */
#ifndef X86_64_PC_CPU_TABLES_H
#define X86_64_PC_CPU_TABLES_H

#include <stddef.h>

/* On the calling CPU (logical index, below GDT_TSS_SLOTS): installs its TSS descriptor, loads
 * TR with it (VMX needs a non-zero host TR) and loads the IDT. */
void cpu_tables_load(size_t index);

/* The logical index of the calling CPU, from its task register; 0 before cpu_tables_load,
 * when only the boot CPU runs C code. */
size_t cpu_current_index(void);

#endif
