// The job-status contract is shared with the GUI: it lives in shared/.
export type * from '../../../shared/job-status.js';
