package org.rtsite.examples;

import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;

/**
 * The README's embedding example: classify one plan held in memory. Replace the phantom with your
 * own CT grid, dose and masks (rtsite-dicom and rtsite-nifti read them from files).
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    public static void main(String[] args) {
        PhantomPlan plan = PhantomScene.LIVER_SBRT.build();           // CT grid, dose grid, organ masks
        SiteClassifier classifier = SiteClassifier.builder().build(); // paper defaults; reuse for every plan
        SiteResult result = classifier.classify(plan.ct().grid(), plan.dose(), plan.masks());

        System.out.println(result.labelNames() + " by " + result.rule()); // [Abdomen, Thorax] by V85_OVERLAP
        for (OrganMetrics o : result.organs()) {
            if (o.score85() > 0.001) {
                System.out.printf("%-24s %-14s V85 score %.3f%n", o.name(), o.region(), o.score85());
            }
        }
        String json = SiteResultJson.write(result);                   // versioned schema, docs/core.md
        System.out.println(json.length() + " characters of JSON");
    }
}
