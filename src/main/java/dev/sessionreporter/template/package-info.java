/**
 * The local beans of the route templates in {@code session-reporter/templates.camel.yaml}: each instance of a template
 * gets its own, so that a host needs no Camel Main and none of the standalone reporter's beans.
 */
package dev.sessionreporter.template;
