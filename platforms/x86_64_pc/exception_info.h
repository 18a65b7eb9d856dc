/* Names of the x86 exception vectors and decoding of page-fault error codes. */
#ifndef X86_64_PC_EXCEPTION_INFO_H
#define X86_64_PC_EXCEPTION_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_VECTOR_PAGE_FAULT 14

/* A readable name of an exception vector ("page fault"); "reserved" for unused vectors below
 * 32 and "not an exception" above. */
const char *x86_exception_name(uint64_t vector);

/* The mnemonic of an exception vector ("#PF"), or "" when it has none. */
const char *x86_exception_mnemonic(uint64_t vector);

/* True if the CPU pushes an error code for this exception vector. */
bool x86_exception_has_error_code(uint64_t vector);

/* Describes a page-fault error code ("not-present page, read, supervisor" plus what else is
 * set) into buf as a NUL-terminated string, truncated to len bytes. */
void x86_page_fault_describe(uint64_t error_code, char *buf, size_t len);

#endif
