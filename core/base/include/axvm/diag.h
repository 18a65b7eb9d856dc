/* Human-readable detail for an error code: which node, property or address was wrong. */
#ifndef AXVM_DIAG_H
#define AXVM_DIAG_H

#define AX_DIAG_LEN 192

struct ax_diag {
	char msg[AX_DIAG_LEN];
};

/* Formats a message into diag (if diag is not NULL) and returns err, so that callers can
 * write `return ax_diag_set(diag, AXERR_BAD_CONFIG, "%s: no reg", path);`. */
int ax_diag_set(struct ax_diag *diag, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
