/* Loads a cross-built libhypercheckout and calls into it (scripts/test-release.sh): for the
 * platforms that have no Python or JVM here (aarch64 Linux under qemu-user with Debian's
 * arm64 cross glibc; x86_64 musl with Debian's musl loader; the Windows DLL under wine).
 * Compiled with zig cc for the library's own target. It checks uniffi's ABI contract version and makes one real Rust call
 * through the exported C ABI (sdk_version, a RustBuffer return), the same path every binding
 * uses, then frees the buffer through the library's own allocator.
 * Usage: probe LIBRARY EXPECTED_VERSION   (exit 0 when the library answers EXPECTED_VERSION) */
#ifdef _WIN32
#include <windows.h>
#define dlopen(path, flags) ((void *)LoadLibraryA(path))
#define dlsym(lib, name) ((void *)GetProcAddress((HMODULE)(lib), name))
static const char *dlerror(void) { return "LoadLibrary failed"; }
#else
#include <dlfcn.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint64_t capacity; uint64_t len; uint8_t *data; } RustBuffer;
typedef struct { int8_t code; RustBuffer error_buf; } RustCallStatus;

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s LIBRARY EXPECTED_VERSION\n", argv[0]); return 2; }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "probe: dlopen: %s\n", dlerror()); return 1; }
    uint32_t (*contract)(void) = (uint32_t (*)(void))dlsym(lib, "ffi_hypercheckout_uniffi_contract_version");
    RustBuffer (*version)(RustCallStatus *) = (RustBuffer (*)(RustCallStatus *))dlsym(lib, "uniffi_hypercheckout_fn_func_sdk_version");
    void (*rb_free)(RustBuffer, RustCallStatus *) = (void (*)(RustBuffer, RustCallStatus *))dlsym(lib, "ffi_hypercheckout_rustbuffer_free");
    if (!contract || !version || !rb_free) { fprintf(stderr, "probe: missing uniffi symbols\n"); return 1; }
    RustCallStatus status = {0};
    RustBuffer buf = version(&status);
    if (status.code != 0) { fprintf(stderr, "probe: sdk_version failed (code %d)\n", status.code); return 1; }
    /* A uniffi String return is the UTF-8 bytes themselves in the buffer. */
    printf("probe: %s: contract %u, sdk_version %.*s\n", argv[1], contract(), (int)buf.len, (const char *)buf.data);
    int ok = buf.len == strlen(argv[2]) && memcmp(buf.data, argv[2], buf.len) == 0;
    rb_free(buf, &status);
    return ok ? 0 : 1;
}
