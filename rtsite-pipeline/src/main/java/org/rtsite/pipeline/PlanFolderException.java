package org.rtsite.pipeline;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;

/**
 * {@link RtsitePipeline#classify(java.nio.file.Path)} found no single complete plan to classify: the
 * folder holds no plan, several plans (each is named, with a hint to pass its RTPLAN file), or a plan
 * the linker could not complete (its reasons are given).
 */
public final class PlanFolderException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the folder. */
    public enum Problem {
        /** No RTPLAN, and no RTDOSE that could stand for one, in the folder (or the named file is none). */
        NO_PLAN,
        /** More than one plan: name the RTPLAN (or RTDOSE) file instead of the folder. */
        SEVERAL_PLANS,
        /** One plan, but the CT series, the dose or (for structure-set masks) the RTSTRUCT is not linked. */
        INCOMPLETE_PLAN
    }

    private final Problem problem;
    private final List<String> plans;

    /**
     * @param plans the plan files concerned (none for {@link Problem#NO_PLAN} on a folder)
     */
    public PlanFolderException(Problem problem, List<String> plans, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.plans = List.copyOf(plans);
    }

    public Problem problem() {
        return problem;
    }

    /** The plan (or planless RTDOSE) files concerned, in path order. */
    public List<String> plans() {
        return plans;
    }
}
