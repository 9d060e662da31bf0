package io.citadel.fileserver.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This node's fileserver: it holds the node's containers, reports them to the master CLDB in every
 * heartbeat, and enforces volumes' quotas on writes.
 *
 * <p>In Citadel a container stores one fragment of one table. The engine does not create containers
 * itself: it {@link #attach attaches} a {@link ContainerSource} that says which fragments it holds
 * and how large they are, and the fileserver makes each new fragment a container (the master
 * assigns its id), reports growth, and tells the CLDB when a fragment is gone.
 */
@ProviderType
public interface FileServer {

  /**
   * Makes {@code source}'s fragments the containers of {@code volume} on this node, creating the
   * volume without a quota if the cluster has none of that name.
   *
   * @return closing it detaches the source; its containers stay on record until their fragments go
   * @throws IllegalArgumentException when {@code volume} is not a volume name
   */
  AutoCloseable attach(String volume, ContainerSource source);

  /**
   * Refuses a write of about {@code bytes} into {@code volume} that the volume's quota leaves no
   * room for, judged from the master's last heartbeat answer and what this node's containers grew
   * by since. Returns at once when the volume has no quota or the CLDB has not answered yet.
   *
   * @throws QuotaExceededException naming the volume, its usage and its quota
   */
  void checkWrite(String volume, long bytes);
}
