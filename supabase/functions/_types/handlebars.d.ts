// `npm:handlebars` for the type checker: Handlebars' own types declare the module "handlebars" globally.
import Handlebars from 'handlebars';
export default Handlebars;
