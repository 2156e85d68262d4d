/**
 * Anatomic regions and the structure name → region dictionary (ALGORITHM.md §2): {@link
 * org.rtsite.core.region.RegionDictionary} (entry point; the bundled table or your own) and {@link
 * org.rtsite.core.region.Region}.
 */
package org.rtsite.core.region;
