// Types of the generated standalone validators (catalog-validators.generated.js).
import type { ErrorObject } from 'ajv';

/** An Ajv standalone validator: true when valid; otherwise its `errors` say why (verbose: with their schema). */
export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const collection: GeneratedValidator;
export declare const capture: GeneratedValidator;
export declare const materialization: GeneratedValidator;
export declare const test: GeneratedValidator;
