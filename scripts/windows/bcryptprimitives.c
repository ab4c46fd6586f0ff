/* Wine 8 (Debian bookworm) lacks bcryptprimitives.dll, which Rust's std uses for ProcessPrng.
   This stub forwards to RtlGenRandom; it exists only to run the Windows build under Wine here. */
#include <windows.h>
#include <ntsecapi.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
