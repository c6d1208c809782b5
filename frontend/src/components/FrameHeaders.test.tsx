import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import FrameHeaders from './FrameHeaders'
import SigV4Fields, { type SigV4Auth } from './SigV4Fields'

afterEach(cleanup)

describe('FrameHeaders', () => {
  it('lists a frame’s headers and marks an exception', () => {
    render(<FrameHeaders headers={[{ name: ':exception-type', type: 'string', value: 'throttlingException' }, { name: ':message-type', type: 'string', value: 'exception' }]} />)
    const el = screen.getByTestId('tl-frame-headers')
    expect(el.textContent).toContain(':exception-type: throttlingException')
    expect(el.querySelectorAll('.pill.err').length).toBe(1)
  })
  it('renders nothing for an SSE event', () => {
    render(<FrameHeaders headers={undefined} />)
    expect(screen.queryByTestId('tl-frame-headers')).toBeNull()
  })
})

describe('SigV4Fields', () => {
  it('edits each field', () => {
    let auth: SigV4Auth = { region: 'us-east-1' }
    const { rerender } = render(<SigV4Fields auth={auth} set={(p) => (auth = { ...auth, ...p })} />)
    fireEvent.change(screen.getByTestId('sigv4-secret-key'), { target: { value: '{{awsSecretAccessKey}}' } })
    fireEvent.change(screen.getByTestId('sigv4-service'), { target: { value: 'bedrock' } })
    rerender(<SigV4Fields auth={auth} set={(p) => (auth = { ...auth, ...p })} />)
    expect(auth).toEqual({ region: 'us-east-1', secret_key: '{{awsSecretAccessKey}}', service: 'bedrock' })
    expect((screen.getByTestId('sigv4-region') as HTMLInputElement).value).toBe('us-east-1')
  })
})
