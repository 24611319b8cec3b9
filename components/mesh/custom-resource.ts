import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Creates one Kubernetes custom resource (Istio, cert-manager) with the mesh's provider and parent. */
export type CustomResourceFactory = (
    id: string,
    apiVersion: string,
    kind: string,
    metadata: Record<string, unknown>,
    spec: Record<string, unknown>,
    dependsOn: pulumi.Resource[],
) => k8s.apiextensions.CustomResource;

/** A factory of custom resources created with `opts` (parent and provider) and their own `dependsOn`. */
export function customResources(opts: pulumi.CustomResourceOptions): CustomResourceFactory {
    return (id, apiVersion, kind, metadata, spec, dependsOn) =>
        new k8s.apiextensions.CustomResource(id, { apiVersion, kind, metadata, spec }, { ...opts, dependsOn });
}
