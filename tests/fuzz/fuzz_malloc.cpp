// Linked into every libFuzzer target (not the replay tests): glibc gives the
// heap back to the kernel whenever its top is free, so each input that builds
// a flow table, a rule engine or a reader's buffers faulted its pages in again
// and flushed the TLB on the way out: a third of the stream target's time.
// Keeping freed memory in the process removes that, and costs nothing in
// what the run checks (ASan builds use their own allocator and ignore this).
#include <malloc.h>

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    return 0;
}
