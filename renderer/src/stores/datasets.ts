import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { BuiltinDatasetName, type DatasetInfo } from '../../../contract/index.js';
import { useHost } from '../host.js';
import { useAppStore } from './app.js';

/** Datasets the host offers (`datasets/list`). */
export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<DatasetInfo[]>([]);
  const loading = ref(false);
  const loaded = ref(false);

  /** Built-in generators the experiment can reference (`DatasetRef.builtin`). */
  const builtins = computed(() => list.value.filter((d) => d.builtin && BuiltinDatasetName.safeParse(d.name).success));

  function byName(name: string): DatasetInfo | undefined {
    return list.value.find((d) => d.name === name);
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      list.value = await useHost().client.call('datasets/list', {});
      loaded.value = true;
    } catch (error) {
      useAppStore().report(error);
    } finally {
      loading.value = false;
    }
  }

  return { list, loading, loaded, builtins, byName, load };
});
