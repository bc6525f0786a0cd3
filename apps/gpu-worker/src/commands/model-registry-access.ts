// What the model commands need of @fermx/data, behind one module the commands load lazily
// (so `fermx --help` does not load the data lib, and the lib is imported statically in one place).
export { ModelRegistry, ModelRegistryError } from '@fermx/data';
