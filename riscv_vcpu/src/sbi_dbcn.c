/* SBI Debug Console extension (EID "DBCN"): console output and input through guest memory.
 * The buffers are guest-physical ranges the guest chooses, read and written only through the
 * env callbacks, a bounded chunk at a time: a range that is not guest RAM (outside it, in a
 * device window, wrapping, above 2^64) is SBI_ERR_INVALID_PARAM, the code SBI 2.0 §12.1-12.2
 * gives when the memory does not satisfy "Shared memory physical address range parameter". */
#include "sbi_internal.h"

/* Bytes copied through one read_guest or write_guest. */
#define CHUNK 64

_Static_assert(SBI_DBCN_MAX_WRITE % CHUNK == 0, "console_write moves whole chunks");
_Static_assert(SBI_DBCN_MAX_READ <= CHUNK, "console_read moves one chunk");

/* The buffer of a console_write/console_read call: num_bytes (a0) at base_addr_lo (a1), with
 * base_addr_hi (a2) the upper 64 bits of a 128-bit address, which no guest memory has. Sets
 * *len to the bytes this call moves, at most max. */
static int64_t buffer(const struct sbi_call *call, uint64_t max, uint64_t *gpa, uint64_t *len)
{
	uint64_t num_bytes = call->a[0];

	*gpa = call->a[1];
	*len = num_bytes < max ? num_bytes : max;
	if (call->a[2] != 0 || (num_bytes && *gpa > UINT64_MAX - (num_bytes - 1)))
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

static size_t min_size(uint64_t a, size_t b)
{
	return a < b ? (size_t)a : b;
}

/* console_write(num_bytes, base_addr_lo, base_addr_hi): writes up to SBI_DBCN_MAX_WRITE bytes
 * and returns how many. A chunk that cannot be read ends the call: an error if it was the
 * first, else the bytes written so far (the guest's next call, starting there, gets the
 * error). Nothing is printed from a chunk that was not read whole. */
static int64_t console_write(const struct sbi_call *call, struct sbi_result *res)
{
	const struct sbi_env *env = call->env;
	uint8_t chunk[CHUNK];
	uint64_t gpa, len, done = 0;
	int64_t err = buffer(call, SBI_DBCN_MAX_WRITE, &gpa, &len);

	if (err)
		return err;
	while (done < len) {
		size_t n = min_size(len - done, CHUNK);

		if (env->read_guest(env->ctx, gpa + done, chunk, n)) {
			if (done == 0)
				return SBI_ERR_INVALID_PARAM;
			break;
		}
		for (size_t i = 0; i < n; i++)
			env->console_putc(env->ctx, chunk[i]);
		done += n;
	}
	res->value = done;
	return SBI_SUCCESS;
}

/* console_read(num_bytes, base_addr_lo, base_addr_hi): moves the console input there is, up
 * to SBI_DBCN_MAX_READ bytes, and returns how many. The buffer is checked to be writable guest
 * RAM (its bytes read and written back unchanged) before any input is taken, so a bad buffer
 * (read-only, a device window) is refused whether or not input is waiting and loses none. */
static int64_t console_read(const struct sbi_call *call, struct sbi_result *res)
{
	const struct sbi_env *env = call->env;
	uint8_t chunk[CHUNK];
	uint64_t gpa, len;
	size_t got = 0;
	int64_t err = buffer(call, SBI_DBCN_MAX_READ, &gpa, &len);

	if (err)
		return err;
	if (len && (env->read_guest(env->ctx, gpa, chunk, (size_t)len) ||
		    env->write_guest(env->ctx, gpa, chunk, (size_t)len)))
		return SBI_ERR_INVALID_PARAM;
	while (got < len) {
		int c = env->console_getc(env->ctx);

		if (c < 0)
			break;
		chunk[got++] = (uint8_t)c;
	}
	if (got && env->write_guest(env->ctx, gpa, chunk, got))
		return SBI_ERR_INVALID_PARAM;
	res->value = got;
	return SBI_SUCCESS;
}

/* console_write_byte(byte) */
static int64_t console_write_byte(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	call->env->console_putc(call->env->ctx, (uint8_t)call->a[0]);
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {
    [SBI_DBCN_CONSOLE_WRITE] = console_write,
    [SBI_DBCN_CONSOLE_READ] = console_read,
    [SBI_DBCN_CONSOLE_WRITE_BYTE] = console_write_byte,
};

const struct sbi_extension sbi_ext_dbcn = {SBI_EXT_DBCN, false, fns, SBI_ARRAY_SIZE(fns)};
