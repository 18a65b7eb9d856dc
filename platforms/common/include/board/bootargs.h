/* The hypervisor host's command line (devicetree /chosen/bootargs or multiboot cmdline). */
#ifndef BOARD_BOOTARGS_H
#define BOARD_BOOTARGS_H

#include <stdbool.h>

/* True if word appears in the space-separated bootargs (as "word" or "word=..."). */
bool bootargs_has(const char *bootargs, const char *word);

#endif
