# Sourced by the fine-tuning scripts (finetune-step.sh, finetune-onednn-check.sh): compiles rtsite-inference-djl's
# test classes and sets `cp` to them, the module's and rtsite-core's classes from their target folders (not from
# ~/.m2) and the module's test-scope dependencies. Run from the repository root.
inference_test_classpath() {
  local list="/tmp/rtsite-inference-test-$$.cp"
  mvn -o -B -ntp -q -pl rtsite-inference-djl -am test-compile
  mvn -o -B -ntp -q -pl rtsite-inference-djl dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$list"
  cp="rtsite-inference-djl/target/classes:rtsite-inference-djl/target/test-classes:rtsite-core/target/classes"
  cp="$cp:$(tr ':' '\n' <"$list" | grep -v '/org/rtsite/' | paste -sd:)"
  rm -f "$list"
}
