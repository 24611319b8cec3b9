import * as aws from "@pulumi/aws";
import { StackConfig } from "../components/config";

/**
 * The stack's one explicit AWS provider: every resource gets the stack's default tags (plus `extraTags`).
 * `classification: internal` is the floor; data-holding resources override it (critical / sensitive) on their
 * own tags.
 */
export function stackAwsProvider(cfg: StackConfig, extraTags: Record<string, string> = {}): aws.Provider {
    return new aws.Provider("aws", {
        region: cfg.region as aws.Region,
        defaultTags: {
            tags: {
                project: cfg.project,
                environment: cfg.environment,
                stack: cfg.stack,
                ...extraTags,
                classification: "internal",
                "managed-by": "pulumi",
            },
        },
    });
}
