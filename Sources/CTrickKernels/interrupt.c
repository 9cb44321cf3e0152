// The Ctrl-C flag (declared in CTrickKernels.h).
#include "CTrickKernels.h"

int trick_interrupt_flag = 0;
