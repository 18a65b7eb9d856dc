#include <axvm/error.h>

const char *ax_strerror(int err)
{
	switch ((enum axerr)err) {
	case AX_OK:
		return "ok";
	case AXERR_INVALID:
		return "invalid argument";
	case AXERR_NO_MEMORY:
		return "no memory";
	case AXERR_EXISTS:
		return "already exists";
	case AXERR_NOT_FOUND:
		return "not found";
	case AXERR_NOT_MAPPED:
		return "not mapped";
	case AXERR_PERMISSION:
		return "permission denied";
	case AXERR_UNSUPPORTED:
		return "not supported";
	case AXERR_BAD_STATE:
		return "bad state";
	case AXERR_BAD_CONFIG:
		return "bad configuration";
	case AXERR_FULL:
		return "table full";
	case AXERR_BUSY:
		return "busy";
	}
	return "unknown error";
}
