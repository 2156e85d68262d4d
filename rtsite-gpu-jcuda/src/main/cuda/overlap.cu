// Overlap counts over one isodose box, in one pass over its voxels.
//
// Regenerate the committed PTX after any change (see docs/gpu.md):
//   rtsite-gpu-jcuda/build-ptx.sh
//
// Input (one packed device buffer, see BoxLayout.java): dose as float, the label maps' unsigned
// byte labels one map after the other, the masks' 64-bit words one mask after the other.
// Output (zeroed by the host before the launch, see CountsLayout.java):
//   scalars: v85, v50, sumI, sumJ, sumK (u64), doseSum, doseSumI, doseSumJ, doseSumK (double)
//   maps:    per map 3 x 256 u64 bins: organ, in V85, in V50
//   masks:   per mask 3 u64: inside, inside and in V85, inside and in V50
//
// Each block keeps 32-bit histograms in shared memory (a block sees fewer than 2^31 voxels) and
// adds its non-zero bins to the global 64-bit bins once at the end. Within a warp, lanes that
// carry the same label are merged with __match_any_sync first, because neighbouring voxels
// mostly share their label and would otherwise serialise on one shared-memory address.

#define FULL_MASK 0xffffffffu
#define BINS 256
#define MAP_WORDS (3 * BINS)

__device__ __forceinline__ unsigned long long warpSumU64(unsigned long long v) {
    for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_down_sync(FULL_MASK, v, off);
    }
    return v;
}

__device__ __forceinline__ double warpSumF64(double v) {
    for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_down_sync(FULL_MASK, v, off);
    }
    return v;
}

// blockDim.x must be a multiple of 32 so that every warp walks the same voxels' loop bounds.
// Dynamic shared memory: (nMaps * 768 + nMasks * 3) unsigned ints.
// scalars may be null: then this launch counts only the given maps and masks (the host splits
// sources into groups when their histograms do not fit into shared memory together).
extern "C" __global__ void overlapCounts(
        const float* __restrict__ dose,
        const unsigned char* __restrict__ labels,
        const unsigned long long* __restrict__ masks,
        int n, int nx, int ny,
        int nMaps, int nMasks, int maskWords,
        float level85, float level50,
        unsigned long long* __restrict__ scalars,
        unsigned long long* __restrict__ mapBins,
        unsigned long long* __restrict__ maskBins) {
    extern __shared__ unsigned int hist[];
    const int histWords = nMaps * MAP_WORDS + nMasks * 3;
    for (int b = threadIdx.x; b < histWords; b += blockDim.x) {
        hist[b] = 0u;
    }
    __syncthreads();

    unsigned int* maskHist = hist + nMaps * MAP_WORDS;
    const int lane = threadIdx.x & 31;
    const bool doScalars = scalars != 0;
    const long long nxy = (long long) nx * ny;
    const long long stride = (long long) gridDim.x * blockDim.x;

    unsigned long long c85 = 0, c50 = 0, si = 0, sj = 0, sk = 0;
    double ds = 0.0, dsi = 0.0, dsj = 0.0, dsk = 0.0;

    for (long long base = (long long) blockIdx.x * blockDim.x + (threadIdx.x & ~31); base < n; base += stride) {
        const long long idx = base + lane;
        const bool valid = idx < n;
        const float d = valid ? dose[idx] : 0.0f;
        // Same float comparison as the CPU backend, so ties at the level count the same way.
        const bool a85 = valid && d >= level85;
        const bool a50 = valid && d >= level50;
        const unsigned int b85 = __ballot_sync(FULL_MASK, a85);
        const unsigned int b50 = __ballot_sync(FULL_MASK, a50);

        if (doScalars) {
            if (lane == 0) {
                c85 += __popc(b85);
                c50 += __popc(b50);
            }
            if (a85) {
                const long long k = idx / nxy;
                const long long rem = idx - k * nxy;
                const long long j = rem / nx;
                const long long i = rem - j * nx;
                si += (unsigned long long) i;
                sj += (unsigned long long) j;
                sk += (unsigned long long) k;
                const double dd = (double) d;
                ds += dd;
                dsi += dd * (double) i;
                dsj += dd * (double) j;
                dsk += dd * (double) k;
            }
        }

        for (int m = 0; m < nMaps; m++) {
            const int label = valid ? (int) labels[(long long) m * n + idx] : -1;
            const unsigned int peers = __match_any_sync(FULL_MASK, label);
            if (valid && lane == __ffs(peers) - 1) {
                unsigned int* h = hist + m * MAP_WORDS;
                atomicAdd(h + label, (unsigned int) __popc(peers));
                const unsigned int p85 = __popc(peers & b85);
                const unsigned int p50 = __popc(peers & b50);
                if (p85 != 0u) {
                    atomicAdd(h + BINS + label, p85);
                }
                if (p50 != 0u) {
                    atomicAdd(h + 2 * BINS + label, p50);
                }
            }
        }

        for (int m = 0; m < nMasks; m++) {
            const bool inside = valid
                    && ((masks[(long long) m * maskWords + (idx >> 6)] >> (idx & 63)) & 1ull) != 0ull;
            const unsigned int bi = __ballot_sync(FULL_MASK, inside);
            if (lane == 0 && bi != 0u) {
                atomicAdd(maskHist + 3 * m, (unsigned int) __popc(bi));
                atomicAdd(maskHist + 3 * m + 1, (unsigned int) __popc(bi & b85));
                atomicAdd(maskHist + 3 * m + 2, (unsigned int) __popc(bi & b50));
            }
        }
    }

    if (doScalars) {
        c85 = warpSumU64(c85);
        c50 = warpSumU64(c50);
        si = warpSumU64(si);
        sj = warpSumU64(sj);
        sk = warpSumU64(sk);
        ds = warpSumF64(ds);
        dsi = warpSumF64(dsi);
        dsj = warpSumF64(dsj);
        dsk = warpSumF64(dsk);
        if (lane == 0) {
            if (c85 != 0ull) {
                atomicAdd(scalars + 0, c85);
                atomicAdd(scalars + 2, si);
                atomicAdd(scalars + 3, sj);
                atomicAdd(scalars + 4, sk);
                double* f = (double*) (scalars + 5);
                atomicAdd(f + 0, ds);
                atomicAdd(f + 1, dsi);
                atomicAdd(f + 2, dsj);
                atomicAdd(f + 3, dsk);
            }
            if (c50 != 0ull) {
                atomicAdd(scalars + 1, c50);
            }
        }
    }

    __syncthreads();
    for (int b = threadIdx.x; b < nMaps * MAP_WORDS; b += blockDim.x) {
        const unsigned int v = hist[b];
        if (v != 0u) {
            atomicAdd(mapBins + b, (unsigned long long) v);
        }
    }
    for (int b = threadIdx.x; b < nMasks * 3; b += blockDim.x) {
        const unsigned int v = maskHist[b];
        if (v != 0u) {
            atomicAdd(maskBins + b, (unsigned long long) v);
        }
    }
}
