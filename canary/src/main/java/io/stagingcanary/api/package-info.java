/**
 * The HTTP API edge: read endpoints over sentinels, incidents, data and status, their read budget,
 * tokens and problem responses. Nothing else depends on it, except the sandbox that serves it.
 */
package io.stagingcanary.api;
