// form-js forms: a schema deployed with the definition, rendered with its data; validation is
// form-js's own (required, min, max ...), checked before anything is sent.
import '@bpmn-io/form-js/dist/assets/form-js.css';
import { h, notice } from './dom.js';
import { t } from './i18n.js';

export function hasComponents(schema) {
  return !!(schema && Array.isArray(schema.components) && schema.components.length);
}

// Mounts the form; returns {values()} giving {data, errors} (errors: field key -> messages).
export async function mountForm(container, schema, data = {}, { readOnly = false } = {}) {
  if (!hasComponents(schema)) {
    container.append(h('p.muted', { 'data-test': 'no-form' }, t('noForm')));
    return { values: () => ({ data: {}, errors: {} }), form: null };
  }
  const { Form } = await import('@bpmn-io/form-js');
  // No input debounce: what the user typed is the data when they press a button at once.
  const form = new Form({ container, debounce: false });
  await form.importSchema(schema, data);
  if (readOnly) form.setProperty('readOnly', true);
  return {
    form,
    values() {
      const { data: values, errors } = form.submit();
      return { data: values, errors };
    },
  };
}

// The form's data when form-js finds it valid; else null, with a notice (the fields are marked).
export function validData(mounted) {
  const v = mounted.values();
  if (Object.keys(v.errors || {}).length) {
    notice('error', t('formInvalid'));
    return null;
  }
  return v.data;
}
