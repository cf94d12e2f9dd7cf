/* A stand-in for Windows' bcryptprimitives.dll under Wine 8, which lacks ProcessPrng: Rust's
 * standard library (1.78 on) asks it for random bytes when a program starts (HashMap keys) and
 * stops without it. It gives what RtlGenRandom (SystemFunction036, in advapi32) gives. Built by
 * scripts/wine-tests.sh with mingw-w64 into the Wine prefix the Windows test suites run in;
 * never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
