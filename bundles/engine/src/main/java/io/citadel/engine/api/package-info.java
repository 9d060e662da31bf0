/**
 * What the engine offers the bundles beside it: the {@link io.citadel.engine.api.Database} that
 * applies statements from an HA group's log with their offsets, and the {@link
 * io.citadel.engine.api.WriteRouter} through which a replication service takes over the engine's
 * state-changing statements; and {@link io.citadel.engine.api.SqlStatement} with {@link
 * io.citadel.engine.api.SqlLexer}, the one classification of statements (what changes data, what
 * only reads, what a COPY reads) that the engine, replication and the load balancer share.
 *
 * <p>Exported by the engine's bnd.bnd, not by an {@code @Export} here: the load balancer, which may
 * run on a node without the engine, carries a private copy of the classifier, and an annotation
 * would export that copy too.
 */
@Version("2.0.0")
package io.citadel.engine.api;

import org.osgi.annotation.versioning.Version;
