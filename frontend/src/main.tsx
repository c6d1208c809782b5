import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import App from './App'
import { initDiagnostics } from './lib/diag'
import './styles.css'

void initDiagnostics()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
