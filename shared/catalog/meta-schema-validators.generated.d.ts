// Types of the generated standalone meta-schema validators (meta-schema-validators.generated.js).
import type { GeneratedValidator } from './catalog-validators.generated.js';

export declare const draft2020: GeneratedValidator;
export declare const draft2019: GeneratedValidator;
export declare const draft7: GeneratedValidator;
