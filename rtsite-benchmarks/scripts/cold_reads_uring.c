/*
 * Cold reads of many small files: threads against io_uring (docs/PERFORMANCE.md, "Indexing, thirteenth round").
 * Reads the first KIB KiB of every file named in LIST (one path a line), after an lstat of each (as the archive
 * scan's walk does), and prints the read phase's wall time, this process's CPU, both cores' busy time and the
 * block device's read requests (vda's /proc/diskstats).
 *
 *   gcc -O2 -pthread -o /tmp/cold_reads_uring rtsite-benchmarks/scripts/cold_reads_uring.c
 *   find /tmp/perfindex/a20k/data -type f | sort > /tmp/list.txt
 *   sync; echo 3 > /proc/sys/vm/drop_caches; /tmp/cold_reads_uring /tmp/list.txt threads 16 16
 *   sync; echo 3 > /proc/sys/vm/drop_caches; /tmp/cold_reads_uring /tmp/list.txt ring 64 16
 *   sync; echo 3 > /proc/sys/vm/drop_caches; B=16 /tmp/cold_reads_uring /tmp/list.txt rings 4 16
 *
 * Modes: threads N (N threads: open, pread, close), ring D (one thread, one ring, up to D reads in flight, refilled
 * as they complete), rings N (N threads with a ring each, batches of B files: open all, submit all, wait for all).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char **paths;
static int n, kib, batch = 16;
static atomic_int next_file;
static atomic_long bytes;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void disk(long *reads, long *merged) {
    FILE *f = fopen("/proc/diskstats", "r");
    char line[512], name[64];
    unsigned a, b;
    long r, m;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%u %u %63s %ld %ld", &a, &b, name, &r, &m) == 5 && strcmp(name, "vda") == 0) {
            *reads = r;
            *merged = m;
        }
    }
    fclose(f);
}

static long busy_jiffies(void) {
    long u, ni, sy, id, io, irq, si, st;
    FILE *f = fopen("/proc/stat", "r");
    if (fscanf(f, "cpu %ld %ld %ld %ld %ld %ld %ld %ld", &u, &ni, &sy, &id, &io, &irq, &si, &st) != 8) {
        exit(1);
    }
    fclose(f);
    return u + ni + sy + irq + si + st;
}

static void *thread_reads(void *unused) {
    (void) unused;
    char *buf = malloc((size_t) kib * 1024);
    for (int i; (i = atomic_fetch_add(&next_file, 1)) < n;) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            perror(paths[i]);
            continue;
        }
        atomic_fetch_add(&bytes, pread(fd, buf, (size_t) kib * 1024, 0));
        close(fd);
    }
    free(buf);
    return NULL;
}

struct ring {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
};

static void ring_open(struct ring *r, unsigned entries) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    r->fd = (int) syscall(__NR_io_uring_setup, entries, &p);
    if (r->fd < 0) {
        perror("io_uring_setup");
        exit(1);
    }
    size_t sl = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cl = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *q = mmap(NULL, sl > cl ? sl : cl, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   r->fd, IORING_OFF_SQES);
    r->sq_tail = (unsigned *) (q + p.sq_off.tail);
    r->sq_mask = (unsigned *) (q + p.sq_off.ring_mask);
    r->sq_array = (unsigned *) (q + p.sq_off.array);
    r->cq_head = (unsigned *) (q + p.cq_off.head);
    r->cq_tail = (unsigned *) (q + p.cq_off.tail);
    r->cq_mask = (unsigned *) (q + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (q + p.cq_off.cqes);
}

/* Queues a read of the file's head into buf; user_data is the slot. */
static void queue_read(struct ring *r, unsigned *tail, int fd, char *buf, int slot) {
    unsigned k = *tail & *r->sq_mask;
    struct io_uring_sqe *e = &r->sqes[k];
    memset(e, 0, sizeof *e);
    e->opcode = IORING_OP_READ;
    e->fd = fd;
    e->addr = (unsigned long) buf;
    e->len = (unsigned) kib * 1024;
    e->user_data = (unsigned long) slot;
    r->sq_array[k] = k;
    (*tail)++;
}

/* Submits `submit` queued reads and reaps what has completed (at least `wait`); returns the slots freed. */
static int submit_and_reap(struct ring *r, unsigned submit, unsigned wait, int *freed) {
    if (syscall(__NR_io_uring_enter, r->fd, submit, wait, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
        perror("io_uring_enter");
        exit(1);
    }
    int k = 0;
    unsigned h = *r->cq_head, t = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
    for (; h != t; h++) {
        struct io_uring_cqe *c = &r->cqes[h & *r->cq_mask];
        if (c->res < 0) {
            fprintf(stderr, "read: %d\n", c->res);
        } else {
            atomic_fetch_add(&bytes, c->res);
        }
        freed[k++] = (int) c->user_data;
    }
    __atomic_store_n(r->cq_head, h, __ATOMIC_RELEASE);
    return k;
}

static void one_ring(int depth) {
    struct ring r;
    ring_open(&r, (unsigned) depth);
    char *bufs = malloc((size_t) depth * kib * 1024);
    int *fds = malloc(sizeof(int) * depth), *free_slots = malloc(sizeof(int) * depth), *freed = malloc(sizeof(int) * 2 * depth);
    int nfree = 0, i = 0, inflight = 0;
    for (int s = 0; s < depth; s++) {
        free_slots[nfree++] = s;
    }
    while (i < n || inflight > 0) {
        unsigned tail = *r.sq_tail, added = 0;
        while (i < n && nfree > 0) {
            int fd = open(paths[i++], O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                continue;
            }
            int s = free_slots[--nfree];
            fds[s] = fd;
            queue_read(&r, &tail, fd, bufs + (size_t) s * kib * 1024, s);
            added++;
        }
        __atomic_store_n(r.sq_tail, tail, __ATOMIC_RELEASE);
        inflight += (int) added;
        int k = submit_and_reap(&r, added, 1, freed);
        for (int j = 0; j < k; j++) {
            close(fds[freed[j]]);
            free_slots[nfree++] = freed[j];
        }
        inflight -= k;
    }
}

static void *ring_batches(void *unused) {
    (void) unused;
    struct ring r;
    ring_open(&r, (unsigned) batch);
    char *bufs = malloc((size_t) batch * kib * 1024);
    int *fds = malloc(sizeof(int) * batch), *freed = malloc(sizeof(int) * 2 * batch);
    for (int first; (first = atomic_fetch_add(&next_file, batch)) < n;) {
        unsigned tail = *r.sq_tail;
        int m = 0;
        for (int i = first; i < first + batch && i < n; i++) {
            int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                fds[m] = fd;
                queue_read(&r, &tail, fd, bufs + (size_t) m * kib * 1024, m);
                m++;
            }
        }
        __atomic_store_n(r.sq_tail, tail, __ATOMIC_RELEASE);
        for (int done = 0, submit = m; done < m; submit = 0) {
            done += submit_and_reap(&r, (unsigned) submit, (unsigned) (m - done), freed);
        }
        for (int j = 0; j < m; j++) {
            close(fds[j]);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LIST threads|ring|rings N KIB\n", argv[0]);
        return 2;
    }
    const char *mode = argv[2];
    int par = atoi(argv[3]);
    kib = atoi(argv[4]);
    if (getenv("B")) {
        batch = atoi(getenv("B"));
    }
    FILE *f = fopen(argv[1], "r");
    char line[4096];
    int cap = 1024;
    paths = malloc(sizeof(char *) * cap);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (n == cap) {
            paths = realloc(paths, sizeof(char *) * (cap *= 2));
        }
        paths[n++] = strdup(line);
    }
    double t0 = now();
    struct stat st;
    for (int i = 0; i < n; i++) {
        lstat(paths[i], &st);
    }
    double t1 = now();
    struct rusage u0, u1;
    long d0, m0, d1, m1, b0 = busy_jiffies();
    getrusage(RUSAGE_SELF, &u0);
    disk(&d0, &m0);
    double t2 = now();
    pthread_t th[1024];
    if (strcmp(mode, "ring") == 0) {
        one_ring(par);
    } else {
        for (int i = 0; i < par; i++) {
            pthread_create(&th[i], NULL, strcmp(mode, "rings") == 0 ? ring_batches : thread_reads, NULL);
        }
        for (int i = 0; i < par; i++) {
            pthread_join(th[i], NULL);
        }
    }
    double t3 = now();
    disk(&d1, &m1);
    getrusage(RUSAGE_SELF, &u1);
    long b1 = busy_jiffies();
    printf("%s %d (batch %d) %d KiB, %d files: lstat %.3f s, read %.3f s, user %.3f s, sys %.3f s, both cores busy %.2f s,"
           " requests %ld, merged %ld, bytes %ld\n", mode, par, batch, kib, n, t1 - t0, t3 - t2,
           (u1.ru_utime.tv_sec - u0.ru_utime.tv_sec) + (u1.ru_utime.tv_usec - u0.ru_utime.tv_usec) / 1e6,
           (u1.ru_stime.tv_sec - u0.ru_stime.tv_sec) + (u1.ru_stime.tv_usec - u0.ru_stime.tv_usec) / 1e6,
           (b1 - b0) / (double) sysconf(_SC_CLK_TCK), d1 - d0, m1 - m0, (long) bytes);
    return 0;
}
