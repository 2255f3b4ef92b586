import type { ReactNode } from 'react';
import { Button, Dialog, Heading, Modal } from 'react-aria-components';

/** The guide's Confirm window: a modal that says what happens, with Confirm and Cancel. */
export function ConfirmDialog(props: {
  isOpen: boolean;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  pending?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal
      isOpen={props.isOpen}
      onOpenChange={(open) => !open && props.onCancel()}
      isDismissable
      className="modal"
    >
      <Dialog role="alertdialog" className="dialog">
        <Heading slot="title">{props.title}</Heading>
        <div className="dialog-body">{props.children}</div>
        {props.error}
        <div className="dialog-actions">
          <Button onPress={props.onCancel}>Cancel</Button>
          <Button className="primary" onPress={props.onConfirm} isDisabled={props.pending}>
            {props.confirmLabel ?? 'Confirm'}
          </Button>
        </div>
      </Dialog>
    </Modal>
  );
}
