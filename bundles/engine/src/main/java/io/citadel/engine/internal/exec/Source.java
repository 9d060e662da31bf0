package io.citadel.engine.internal.exec;

import java.util.function.Consumer;

/** A pipeline's input split into morsels that workers process independently. */
public interface Source {
  int morsels();

  /** Produces the batches of morsel {@code m}. */
  void run(int m, Consumer<Batch> out);

  /** The same morsels, each batch passed through {@code f}; an empty result is dropped. */
  default Source map(java.util.function.UnaryOperator<Batch> f) {
    return flatMap((b, out) -> out.accept(f.apply(b)));
  }

  /**
   * The same morsels, each batch turned into any number of batches by {@code f} (so that an
   * operator whose output can be much larger than its input emits it in bounded pieces).
   */
  default Source flatMap(java.util.function.BiConsumer<Batch, Consumer<Batch>> f) {
    Source in = this;
    return new Source() {
      @Override
      public int morsels() {
        return in.morsels();
      }

      @Override
      public void run(int m, Consumer<Batch> out) {
        in.run(
            m,
            b ->
                f.accept(
                    b,
                    r -> {
                      if (r.size > 0) {
                        out.accept(r);
                      }
                    }));
      }
    };
  }

  /** A source over batches already in memory, one morsel each. */
  static Source of(java.util.List<Batch> batches) {
    return new Source() {
      @Override
      public int morsels() {
        return batches.size();
      }

      @Override
      public void run(int m, Consumer<Batch> out) {
        out.accept(batches.get(m));
      }
    };
  }
}
