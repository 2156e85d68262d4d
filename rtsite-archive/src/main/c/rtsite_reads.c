/*
 * Batched reads of file heads through Linux io_uring, for org.rtsite.archive.HeadReads (JNI).
 *
 * Why native: a cold scan of small files costs one block request per file, and on a virtual disk each
 * request the kernel submits alone costs a notification of the device and an interrupt (docs/PERFORMANCE.md,
 * "Indexing, eighth round"). Reads submitted together through io_uring are plugged together: one notification
 * per batch, and adjacent blocks merged. Java 17 has no call that submits several files' reads at once.
 *
 * Only the reads go through the ring; open and close stay plain system calls (the walk has just listed the
 * files, so their inodes are cached). Raw system calls, no liburing: nothing to install beyond a C compiler.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif

struct ring {
    int fd;
    unsigned entries;
    unsigned *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    void *rings;
    size_t rings_len;
    size_t sqes_len;
};

/* A ring of `entries` entries: its address, or -errno where the kernel refuses one (no io_uring, seccomp, limits). */
JNIEXPORT jlong JNICALL Java_org_rtsite_archive_HeadReads_openRing(JNIEnv *env, jclass cls, jint entries) {
    (void) env; (void) cls;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int fd = (int) syscall(__NR_io_uring_setup, (unsigned) entries, &p);
    if (fd < 0) {
        return -errno;
    }
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) { /* kernels before 5.4: not worth a second mapping */
        close(fd);
        return -ENOSYS;
    }
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    size_t len = sq_len > cq_len ? sq_len : cq_len;
    void *rings = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    if (rings == MAP_FAILED) {
        int e = errno;
        close(fd);
        return -e;
    }
    size_t sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
    void *sqes = mmap(NULL, sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (sqes == MAP_FAILED) {
        int e = errno;
        munmap(rings, len);
        close(fd);
        return -e;
    }
    struct ring *r = calloc(1, sizeof *r);
    if (r == NULL) {
        munmap(sqes, sqes_len);
        munmap(rings, len);
        close(fd);
        return -ENOMEM;
    }
    char *base = rings;
    r->fd = fd;
    r->entries = p.sq_entries;
    r->sq_tail = (unsigned *) (base + p.sq_off.tail);
    r->sq_mask = (unsigned *) (base + p.sq_off.ring_mask);
    r->sq_array = (unsigned *) (base + p.sq_off.array);
    r->cq_head = (unsigned *) (base + p.cq_off.head);
    r->cq_tail = (unsigned *) (base + p.cq_off.tail);
    r->cq_mask = (unsigned *) (base + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (base + p.cq_off.cqes);
    r->sqes = sqes;
    r->rings = rings;
    r->rings_len = len;
    r->sqes_len = sqes_len;
    return (jlong) (intptr_t) r;
}

JNIEXPORT void JNICALL Java_org_rtsite_archive_HeadReads_closeRing(JNIEnv *env, jclass cls, jlong address) {
    (void) env; (void) cls;
    struct ring *r = (struct ring *) (intptr_t) address;
    munmap(r->sqes, r->sqes_len);
    munmap(r->rings, r->rings_len);
    close(r->fd);
    free(r);
}

/*
 * Reads the first lengths[i] bytes of each of `count` files (count <= the ring's entries) into out + i * stride.
 * paths: the files' names, each ending with a NUL, one after the other. results[i]: the bytes read (fewer only at
 * the end of the file), or -errno where the open or the read failed. Returns 0, or -errno where the ring failed
 * (the files' results are then not set, and every file this call opened is closed).
 */
JNIEXPORT jint JNICALL Java_org_rtsite_archive_HeadReads_readHeads(JNIEnv *env, jclass cls, jlong address,
        jobject paths, jint count, jobject out, jint stride, jintArray lengths, jintArray results) {
    (void) cls;
    struct ring *r = (struct ring *) (intptr_t) address;
    const char *path = (*env)->GetDirectBufferAddress(env, paths);
    char *buf = (*env)->GetDirectBufferAddress(env, out);
    if (path == NULL || buf == NULL || count < 0 || (unsigned) count > r->entries) {
        return -EINVAL;
    }
    jint len[count > 0 ? count : 1];
    jint res[count > 0 ? count : 1];
    int fds[count > 0 ? count : 1];
    (*env)->GetIntArrayRegion(env, lengths, 0, count, len);
    unsigned tail = *r->sq_tail;
    unsigned queued = 0;
    for (int i = 0; i < count; i++) {
        int fd;
        do {
            fd = open(path, O_RDONLY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        path += strlen(path) + 1;
        fds[i] = fd;
        if (fd < 0) {
            res[i] = -errno;
            continue;
        }
        struct io_uring_sqe *e = &r->sqes[tail & *r->sq_mask];
        memset(e, 0, sizeof *e);
        e->opcode = IORING_OP_READ;
        e->fd = fd;
        e->off = 0;
        e->addr = (uint64_t) (uintptr_t) (buf + (size_t) i * (size_t) stride);
        e->len = (unsigned) len[i];
        e->user_data = (uint64_t) i;
        r->sq_array[tail & *r->sq_mask] = tail & *r->sq_mask;
        tail++;
        queued++;
    }
    __atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
    unsigned submit = queued, done = 0;
    int failure = 0;
    while (done < queued) {
        int n = (int) syscall(__NR_io_uring_enter, r->fd, submit, queued - done, IORING_ENTER_GETEVENTS, NULL, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            failure = -errno;
            break;
        }
        submit = submit > (unsigned) n ? submit - (unsigned) n : 0;
        unsigned head = *r->cq_head;
        unsigned ctail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
        for (; head != ctail; head++) {
            struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
            res[c->user_data] = c->res;
            done++;
        }
        __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
    }
    for (int i = 0; i < count; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    if (failure != 0) {
        return failure;
    }
    (*env)->SetIntArrayRegion(env, results, 0, count, res);
    return 0;
}
