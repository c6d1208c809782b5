// A dialog to edit the project's environments: variables with values, or
// secret ones whose value is kept outside the project (never shown again).
import { Lock, Plus, Trash2, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { EnvironmentView, SecretsAccess, VariableEdit } from '../api/app'
import { errorText, projects } from '../api/backend'
import { useProject } from '../store/project'
import { askConfirm } from './Dialogs'

interface Row extends VariableEdit {
  /** A secret that has a stored value the user did not retype. */
  stored: boolean
}

function rowsOf(env: EnvironmentView | undefined): Row[] {
  return (env?.variables ?? []).map((v) => ({ name: v.name, value: v.value, secret: v.secret, keepSecret: v.secret && v.hasValue, stored: v.secret && v.hasValue }))
}

/**
 * Secrets are bound to a project's folder: a copy, a moved project or one
 * that claims another's id gets none until the user trusts this folder
 * (backend/secrets). The banner says whose they are and asks first.
 */
export function SecretsTrust({ onTrusted }: { onTrusted?: () => void }) {
  const [access, setAccess] = useState<SecretsAccess | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    projects.secretsAccess().then(setAccess, (e) => setError(errorText(e)))
  }, [])
  if (error) return <div className="banner err">{error}</div>
  if (!access || access.trusted) return null
  const owners = access.owners ?? []
  async function trust() {
    const whose = owners.length ? `They belong to ${owners.join(', ')}.` : 'They were stored before secrets were bound to folders.'
    const yes = await askConfirm({
      title: 'Use these secrets here?',
      message: `This folder (${access!.dir}) claims project id “${access!.id}”. ${whose} Trust this folder only if it is that project (or your own copy of it): it could send them anywhere.`,
      okLabel: 'Trust this folder',
      danger: true,
    })
    if (!yes) return
    try {
      await projects.trustSecrets()
      setAccess(await projects.secretsAccess())
      onTrusted?.()
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <div className="banner warn" data-testid="secrets-untrusted">
      <span className="grow">{access.message}</span>
      <button className="btn small" onClick={() => void trust()} data-testid="secrets-trust">
        Trust this folder…
      </button>
    </div>
  )
}

export default function EnvEditor({ onClose }: { onClose: () => void }) {
  const view = useProject((s) => s.view)
  const current = useProject((s) => s.env)
  const p = useProject.getState()
  const envs = view?.environments ?? []
  const [name, setName] = useState(current || envs[0]?.name || '')
  const [isNew, setIsNew] = useState(envs.length === 0)
  const [rows, setRows] = useState<Row[]>(() => rowsOf(envs.find((e) => e.name === (current || envs[0]?.name))))
  const [error, setError] = useState<string | null>(null)

  function pick(n: string) {
    setName(n)
    setIsNew(false)
    setRows(rowsOf(envs.find((e) => e.name === n)))
  }
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))

  async function save() {
    if (!name.trim()) return setError('The environment needs a name.')
    const ok = await p.saveEnvironment({ name: name.trim(), variables: rows.filter((r) => r.name.trim()).map(({ name: n, value, secret, keepSecret }) => ({ name: n.trim(), value, secret, keepSecret })) })
    if (ok) onClose()
    else setError(useProject.getState().error)
  }

  return (
    <div className="modal-back" onClick={onClose}>
      <div className="modal" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="Environments" data-testid="env-editor">
        <div className="modal-head">
          <span className="grow">Environments</span>
          <button className="icon-btn" onClick={onClose} aria-label="Close">
            <X size={14} />
          </button>
        </div>
        <SecretsTrust onTrusted={() => void p.refresh()} />
        <div className="row" style={{ padding: 'var(--s3)' }}>
          {isNew ? (
            <input className="input grow" autoFocus placeholder="New environment name" value={name} onChange={(e) => setName(e.target.value)} data-testid="env-name" />
          ) : (
            <select className="select grow" value={name} onChange={(e) => pick(e.target.value)}>
              {envs.map((e) => (
                <option key={e.name}>{e.name}</option>
              ))}
            </select>
          )}
          <button
            className="btn small"
            onClick={() => {
              setIsNew(true)
              setName('')
              setRows([])
            }}
          >
            <Plus size={12} /> New
          </button>
          {!isNew && (
            <button
              className="btn small"
              title="Delete this environment and its secrets on this machine"
              onClick={() => {
                void askConfirm({ title: 'Delete environment', message: `Delete environment “${name}” and the values of its secrets on this machine?`, okLabel: 'Delete', danger: true }).then(
                  (yes) => yes && void p.deleteEnvironment(name).then(onClose),
                )
              }}
            >
              <Trash2 size={12} />
            </button>
          )}
        </div>
        <div style={{ padding: '0 var(--s3)', overflow: 'auto', flex: 1 }}>
          <table className="kv">
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <button className={`icon-btn${r.secret ? ' on' : ''}`} title={r.secret ? 'Secret: stored outside the project' : 'Make secret'} onClick={() => set(i, { secret: !r.secret, keepSecret: false, stored: false, value: '' })}>
                      <Lock size={12} />
                    </button>
                  </td>
                  <td style={{ width: '40%' }}>
                    <input type="text" placeholder="name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} spellCheck={false} />
                  </td>
                  <td>
                    <input
                      type={r.secret ? 'password' : 'text'}
                      className="mono"
                      style={{ width: '100%', border: 0, background: 'transparent', height: 26 }}
                      placeholder={r.stored ? '•••••• stored on this machine' : r.secret ? 'secret value' : 'value'}
                      value={r.value}
                      onChange={(e) => set(i, { value: e.target.value, keepSecret: r.stored && e.target.value === '' })}
                      spellCheck={false}
                      data-testid="env-value"
                    />
                  </td>
                  <td style={{ width: 28 }}>
                    <button className="icon-btn" title="Remove" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                      <X size={12} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button className="btn small" style={{ marginTop: 'var(--s2)' }} onClick={() => setRows([...rows, { name: '', value: '', secret: false, keepSecret: false, stored: false }])} data-testid="env-add">
            <Plus size={12} /> Variable
          </button>
          <p className="hint">Secret values are kept in your user configuration, never in the project folder, so the project can go to git as is.</p>
        </div>
        {error && <div className="banner err">{error}</div>}
        <div className="modal-foot">
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void save()} data-testid="env-save">
            Save
          </button>
        </div>
      </div>
    </div>
  )
}
