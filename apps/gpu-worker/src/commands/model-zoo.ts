// The model zoo, behind one module that commands load lazily: tfjs is heavy, and Nx forbids
// mixing static and dynamic imports of the same library within a project.
export { describeModels, initBackend } from '@fermx/models';
