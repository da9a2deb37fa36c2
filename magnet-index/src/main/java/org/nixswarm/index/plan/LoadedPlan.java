package org.nixswarm.index.plan;

import java.nio.file.Path;
import org.nixswarm.index.store.Segment;

/** One plan as served: its directory, manifest, verified segment and what loading it found. */
public record LoadedPlan(Path dir, Manifest manifest, Segment segment, LoadReport report) {}
