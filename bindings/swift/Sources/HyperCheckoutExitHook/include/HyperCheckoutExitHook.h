// Registers the core's prepare_for_exit() with atexit() when the program is loaded (see
// exit_hook.c). Nothing to call: linking the HyperCheckout package is enough.
#pragma once

#include <stdbool.h>

/// Whether prepare_for_exit() is registered to run at exit (true once the program is loaded).
bool hypercheckout_exit_hook_registered(void);
