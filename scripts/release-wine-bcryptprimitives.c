/* TEST-ONLY shim, NEVER SHIPPED: a bcryptprimitives.dll for Debian 12's wine 8.0, used only by
 * scripts/test-release.sh when it runs Windows builds under wine.
 *
 * Why it exists: Rust's std (1.78 and later) takes its randomness (HashMap keys, and the
 * getrandom crate for TLS) from ProcessPrng in bcryptprimitives.dll, present on Windows 10
 * and later. wine added that DLL in 9.0; wine 8.0 has none, so every Rust program and DLL
 * built for x86_64-pc-windows-gnu fails to load there ("bcryptprimitives.dll not found").
 * Placed beside the .exe/.dll under test (the application directory is searched first), this
 * file supplies the one function, delegating to the OS generator wine 8 does have:
 * advapi32's SystemFunction036 (RtlGenRandom). No randomness is made here.
 *
 * Never put it into a wheel, the jar or any release artifact: real Windows has its own.
 * Built by test-release.sh with mingw-w64 (x86_64-w64-mingw32-gcc, Debian package
 * gcc-mingw-w64-x86-64). */
#include <windows.h>

/* advapi32 exports RtlGenRandom under this name (ntsecapi.h declares it so). */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* The documented signature: BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData); Windows
 * documents it as always returning TRUE; FALSE is returned if RtlGenRandom fails. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    /* RtlGenRandom takes a 32-bit length: fill larger requests in chunks. */
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
