/**
 * Localized fine-tuning of a TorchScript model package on DJL's PyTorch engine (ALGORITHM.md §5, the second
 * seed paper): {@link org.rtsite.inference.training.FineTuner} (entry point) trains the package's network on
 * local reference segmentations with the paper's recipe (Adam, decayed learning rate, class-weighted
 * cross-entropy, k-fold cross-validation, the model with the lowest validation loss kept) and writes a new
 * package that {@link org.rtsite.inference.DjlSegmenter} runs as it runs any other. Training patches are cut
 * from {@link org.rtsite.inference.NetworkImage}, the very input inference builds.
 */
package org.rtsite.inference.training;
