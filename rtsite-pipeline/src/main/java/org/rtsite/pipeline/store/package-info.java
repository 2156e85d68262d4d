/**
 * Where results are kept: {@link org.rtsite.pipeline.store.ResultStore} (entry point), one SQLite row
 * per plan, and {@link org.rtsite.pipeline.store.Pseudonymizer} for outputs that must not name
 * patients.
 */
package org.rtsite.pipeline.store;
