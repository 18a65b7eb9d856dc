/* Error codes shared by every axvm-c library. Functions return 0 or a negative enum axerr. */
#ifndef AXVM_ERROR_H
#define AXVM_ERROR_H

enum axerr {
	AX_OK = 0,
	AXERR_INVALID = -1,	/* a bad argument: unaligned, zero-sized, out of range */
	AXERR_NO_MEMORY = -2,	/* an allocation failed; nothing was changed */
	AXERR_EXISTS = -3,	/* the range overlaps something already there */
	AXERR_NOT_FOUND = -4,	/* nothing at that address, id or name */
	AXERR_NOT_MAPPED = -5,	/* a guest address with no mapping behind it */
	AXERR_PERMISSION = -6,	/* mapped, but not with the access asked for */
	AXERR_UNSUPPORTED = -7, /* a valid request this build or device does not do */
	AXERR_BAD_STATE = -8,	/* not allowed in the object's current state */
	AXERR_BAD_CONFIG = -9,	/* a configuration that is malformed or inconsistent */
	AXERR_FULL = -10,	/* a fixed-size table has no free slot */
	AXERR_BUSY = -11,	/* in use by someone else */
};

/* A short, constant description of an error code ("no memory"). */
const char *ax_strerror(int err);

#endif
