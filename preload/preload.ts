// Sandboxed preload: bundled into dist/preload/preload.cjs by preload/vite.config.ts (only 'electron' stays external).
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '../contract/wire.js';
import { createBridgeApi } from './api.js';

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridgeApi(ipcRenderer));
