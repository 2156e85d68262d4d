package org.rtsite.inference;

/** Removal of small connected components (6-neighbourhood), per label, as TotalSegmentator's post-processing does. */
final class Components {
    private Components() {
    }

    /** Sets to 0 every component of a non-zero label with fewer than {@code minVoxels} voxels; returns how many voxels were cleared. */
    static long removeSmall(byte[] labels, int nx, int ny, int nz, long minVoxels) {
        if (minVoxels <= 1) {
            return 0;
        }
        int n = labels.length;
        boolean[] seen = new boolean[n];
        int[] queue = new int[n];
        long cleared = 0;
        int plane = nx * ny;
        for (int start = 0; start < n; start++) {
            if (seen[start] || labels[start] == 0) {
                continue;
            }
            byte label = labels[start];
            int head = 0, tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            while (head < tail) {
                int v = queue[head++];
                int i = v % nx, j = (v / nx) % ny, k = v / plane;
                if (i > 0) tail = visit(labels, seen, queue, tail, v - 1, label);
                if (i < nx - 1) tail = visit(labels, seen, queue, tail, v + 1, label);
                if (j > 0) tail = visit(labels, seen, queue, tail, v - nx, label);
                if (j < ny - 1) tail = visit(labels, seen, queue, tail, v + nx, label);
                if (k > 0) tail = visit(labels, seen, queue, tail, v - plane, label);
                if (k < nz - 1) tail = visit(labels, seen, queue, tail, v + plane, label);
            }
            if (tail < minVoxels) {
                for (int q = 0; q < tail; q++) {
                    labels[queue[q]] = 0;
                }
                cleared += tail;
            }
        }
        return cleared;
    }

    private static int visit(byte[] labels, boolean[] seen, int[] queue, int tail, int w, byte label) {
        if (!seen[w] && labels[w] == label) {
            seen[w] = true;
            queue[tail++] = w;
        }
        return tail;
    }
}
