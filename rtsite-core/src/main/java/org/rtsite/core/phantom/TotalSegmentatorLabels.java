package org.rtsite.core.phantom;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rtsite.core.InvalidInputException;

/**
 * TotalSegmentator class indices of the three tasks rtsite uses (ALGORITHM.md §2), so that phantom
 * label maps look like TotalSegmentator's output.
 */
public final class TotalSegmentatorLabels {
    public static final String TOTAL = "total";
    public static final String HEAD_GLANDS_CAVITIES = "head_glands_cavities";
    public static final String APPENDICULAR_BONES = "appendicular_bones";

    private TotalSegmentatorLabels() {
    }

    /** Label value → class name for {@code task}. */
    public static Map<Integer, String> of(String task) {
        return switch (task) {
            case TOTAL -> TOTAL_MAP;
            case HEAD_GLANDS_CAVITIES -> HGC_MAP;
            case APPENDICULAR_BONES -> APP_MAP;
            default -> throw new InvalidInputException("unknown TotalSegmentator task '" + task
                    + "'; known: total, head_glands_cavities, appendicular_bones");
        };
    }

    private static final Map<Integer, String> TOTAL_MAP = table(
            "spleen kidney_right kidney_left gallbladder liver stomach pancreas adrenal_gland_right adrenal_gland_left "
            + "lung_upper_lobe_left lung_lower_lobe_left lung_upper_lobe_right lung_middle_lobe_right "
            + "lung_lower_lobe_right esophagus trachea thyroid_gland small_bowel duodenum colon urinary_bladder "
            + "prostate kidney_cyst_left kidney_cyst_right sacrum vertebrae_S1 vertebrae_L5 vertebrae_L4 vertebrae_L3 "
            + "vertebrae_L2 vertebrae_L1 vertebrae_T12 vertebrae_T11 vertebrae_T10 vertebrae_T9 vertebrae_T8 "
            + "vertebrae_T7 vertebrae_T6 vertebrae_T5 vertebrae_T4 vertebrae_T3 vertebrae_T2 vertebrae_T1 "
            + "vertebrae_C7 vertebrae_C6 vertebrae_C5 vertebrae_C4 vertebrae_C3 vertebrae_C2 vertebrae_C1 heart aorta "
            + "pulmonary_vein brachiocephalic_trunk subclavian_artery_right subclavian_artery_left "
            + "common_carotid_artery_right common_carotid_artery_left brachiocephalic_vein_left "
            + "brachiocephalic_vein_right atrial_appendage_left superior_vena_cava inferior_vena_cava "
            + "portal_vein_and_splenic_vein iliac_artery_left iliac_artery_right iliac_vena_left iliac_vena_right "
            + "humerus_left humerus_right scapula_left scapula_right clavicula_left clavicula_right femur_left "
            + "femur_right hip_left hip_right spinal_cord gluteus_maximus_left gluteus_maximus_right "
            + "gluteus_medius_left gluteus_medius_right gluteus_minimus_left gluteus_minimus_right autochthon_left "
            + "autochthon_right iliopsoas_left iliopsoas_right brain skull "
            + "rib_left_1 rib_left_2 rib_left_3 rib_left_4 rib_left_5 rib_left_6 rib_left_7 rib_left_8 rib_left_9 "
            + "rib_left_10 rib_left_11 rib_left_12 rib_right_1 rib_right_2 rib_right_3 rib_right_4 rib_right_5 "
            + "rib_right_6 rib_right_7 rib_right_8 rib_right_9 rib_right_10 rib_right_11 rib_right_12 sternum "
            + "costal_cartilages");

    private static final Map<Integer, String> HGC_MAP = table(
            "eye_left eye_right eye_lens_left eye_lens_right optic_nerve_left optic_nerve_right parotid_gland_left "
            + "parotid_gland_right submandibular_gland_right submandibular_gland_left nasopharynx oropharynx "
            + "hypopharynx nasal_cavity_right nasal_cavity_left auditory_canal_right auditory_canal_left soft_palate "
            + "hard_palate");

    private static final Map<Integer, String> APP_MAP = table(
            "patella tibia fibula tarsal metatarsal phalanges_feet ulna radius carpal metacarpal phalanges_hand");

    private static Map<Integer, String> table(String names) {
        Map<Integer, String> m = new LinkedHashMap<>();
        int label = 1;
        for (String n : names.trim().split("\\s+")) {
            m.put(label++, n);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The label value of {@code name} in {@code task}. */
    public static int labelOf(String task, String name) {
        for (Map.Entry<Integer, String> e : of(task).entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        throw new InvalidInputException("'" + name + "' is not a class of TotalSegmentator task '" + task + "'");
    }
}
