/**
 * The on-call pages: server-rendered, read-only HTML ({@code /}, {@code /tenants/{set}/{tenant}},
 * {@code /incidents}, {@code /runs} and their details), built from the same services the API reads.
 * Every value reaches the page through Thymeleaf's escaping {@code th:text}; actions are shown as
 * {@code curl} commands, never as buttons.
 */
package io.stagingcanary.pages;
